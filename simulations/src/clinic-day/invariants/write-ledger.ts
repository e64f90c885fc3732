// Every write acknowledged to a clinician: outcome 'applied' (committed by a quorum and applied on the
// device) or 'pending' (stored in the device's durable outbox). Each is a promise that the write is in the
// clinic's log, applied exactly once, forever; the final checks hold the clinic to it.
import type { NodeId } from '../../../../leader-worker/src/raft/types.js';
import { simulatorAssert } from '../../engine/violation.js';

export interface Acknowledgement {
  /** `clientId#sequence`. */
  readonly key: string;
  readonly deviceId: NodeId;
  readonly outcome: 'applied' | 'pending';
  readonly atMs: number;
  /** For 'applied': the log index the device applied it at, and whether that was its first application. */
  readonly logIndex: number | null;
  readonly firstApplication: boolean;
}

export class WriteLedger {
  private readonly acknowledgements = new Map<string, Acknowledgement>();
  /** Keys acknowledged as pending and not yet seen applied on the device that made them. */
  private readonly pendingSince = new Map<string, number>();

  acknowledged(acknowledgement: Acknowledgement): void {
    simulatorAssert(!this.acknowledgements.has(acknowledgement.key), `${acknowledgement.key} acknowledged twice`);
    this.acknowledgements.set(acknowledgement.key, acknowledgement);
    if (acknowledgement.outcome === 'pending') this.pendingSince.set(acknowledgement.key, acknowledgement.atMs);
  }

  acknowledgementOf(key: string): Acknowledgement | undefined {
    return this.acknowledgements.get(key);
  }

  /** The device that made `key` applied it: returns how long it was pending, if it was. */
  appliedOnProposer(key: string, deviceId: NodeId, nowMs: number): number | null {
    const since = this.pendingSince.get(key);
    if (since === undefined || this.acknowledgements.get(key)?.deviceId !== deviceId) return null;
    this.pendingSince.delete(key);
    return nowMs - since;
  }

  all(): Iterable<Acknowledgement> {
    return this.acknowledgements.values();
  }
}
