// Every command acknowledged to a client: what the end-of-run checks and the ReadIndex checks hold the
// cluster to. An acknowledgement is a promise: the command is in the log, once, forever.
import { simulatorAssert } from '../../engine/violation.js';

export interface Acknowledgement {
  readonly clientId: number;
  readonly seq: number;
  /** The log index where the state machine applied the command. */
  readonly index: number;
  readonly atMs: number;
}

export class AcknowledgementLedger {
  private readonly acknowledgements: Acknowledgement[] = [];
  private latestByIndex: Acknowledgement | null = null;

  record(acknowledgement: Acknowledgement): void {
    simulatorAssert(acknowledgement.index > 0, 'an acknowledged command has a log index');
    this.acknowledgements.push(acknowledgement);
    if (this.latestByIndex === null || acknowledgement.index > this.latestByIndex.index) this.latestByIndex = acknowledgement;
  }

  /** The acknowledged command at the highest log index: a linearizable read must reflect it. */
  get highestIndexed(): Acknowledgement | null {
    return this.latestByIndex;
  }

  all(): readonly Acknowledgement[] {
    return this.acknowledgements;
  }
}
