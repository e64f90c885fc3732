// One clinician's outbox: commands created on a device, kept until that device has applied them. It lives
// outside the node (like the durable outbox in DESIGN.md), so a crash of the node does not lose requests.
import type { NodeId } from '../../../leader-worker/src/raft/types.js';
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import { encodeCommand } from './command-codec.js';

export interface PendingCommand {
  readonly seq: number;
  readonly bytes: Uint8Array;
  readonly createdAtMs: number;
  lastProposedAtMs: number;
  proposals: number;
}

export class WorkloadClient {
  private nextSeq = 1;
  private readonly pendingBySeq = new Map<number, PendingCommand>();

  constructor(
    readonly clientId: number,
    /** The device this client proposes through; it moves when that device is retired. */
    public nodeId: NodeId,
  ) {}

  get pendingCount(): number {
    return this.pendingBySeq.size;
  }

  pending(): IterableIterator<PendingCommand> {
    return this.pendingBySeq.values();
  }

  isPending(seq: number): boolean {
    return this.pendingBySeq.has(seq);
  }

  /** A new command with a random payload; the caller checks the pending limit first. */
  create(nowMs: number, random: SeededRandom, payloadBytesMax: number): PendingCommand {
    const payload = new Uint8Array(random.nextInt(payloadBytesMax + 1));
    for (let position = 0; position < payload.length; position++) payload[position] = random.nextInt(256);
    const seq = this.nextSeq;
    // Taken before this seq is counted as issued, so the floor never passes the new command itself.
    const acknowledgedBelow = this.lowestUnacknowledgedSeq();
    this.nextSeq++;
    const bytes = encodeCommand({ clientId: this.clientId, seq, acknowledgedBelow, payload });
    const command: PendingCommand = { seq, bytes, createdAtMs: nowMs, lastProposedAtMs: nowMs, proposals: 0 };
    this.pendingBySeq.set(seq, command);
    return command;
  }

  /** Removes an acknowledged command; returns it, or undefined if it was not pending. */
  acknowledge(seq: number): PendingCommand | undefined {
    const command = this.pendingBySeq.get(seq);
    this.pendingBySeq.delete(seq);
    return command;
  }

  /** Commands proposed at least `retryIntervalMs` ago, oldest first. */
  dueForRetry(nowMs: number, retryIntervalMs: number): PendingCommand[] {
    return [...this.pendingBySeq.values()].filter((command) => nowMs - command.lastProposedAtMs >= retryIntervalMs);
  }

  /** Every seq below this is acknowledged: the state machine may forget them (thesis §6.3). */
  private lowestUnacknowledgedSeq(): number {
    let lowest = this.nextSeq;
    for (const seq of this.pendingBySeq.keys()) lowest = Math.min(lowest, seq);
    return lowest;
  }
}
