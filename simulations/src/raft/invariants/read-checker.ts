// ReadIndex linearizability (thesis §6.4): a read that completes must reflect every command acknowledged
// before it was issued. Acknowledgements happen at log indexes, so it is enough that the read's index
// covers the highest acknowledged index at issue time, and that the state served really contains it.
import type { NodeId, ReadState } from '../../../../leader-worker/src/raft/types.js';
import type { EventQueue } from '../../engine/event-queue.js';
import type { Trace } from '../../engine/trace.js';
import { check } from '../../engine/violation.js';
import type { RaftFigures } from '../figures.js';
import type { SimulatedNode } from '../simulated-node.js';
import type { Acknowledgement, AcknowledgementLedger } from './acknowledgement-ledger.js';

interface PendingRead {
  readonly readContext: string;
  readonly nodeId: NodeId;
  readonly issuedAtMs: number;
  readonly mustReflect: Acknowledgement | null;
  /** Set once the core answered: the read is served when the node has applied this index. */
  confirmedIndex: number | null;
}

export class ReadChecker {
  private readonly pending = new Map<string, PendingRead>();
  private awaitingApplyCount = 0;

  constructor(
    private readonly ledger: AcknowledgementLedger,
    private readonly queue: EventQueue,
    private readonly trace: Trace,
    private readonly figures: RaftFigures,
  ) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Registers a read before the core is asked (its answer may come back within the same call). */
  issued(readContext: string, nodeId: NodeId): void {
    this.pending.set(readContext, {
      readContext, nodeId, issuedAtMs: this.queue.nowMs, mustReflect: this.ledger.highestIndexed, confirmedIndex: null,
    });
  }

  /** The core refused the read: nothing to check. */
  withdrawn(readContext: string): void {
    this.forget(readContext);
  }

  readStateReceived(node: SimulatedNode, readState: ReadState): void {
    const read = this.pending.get(readState.readContext);
    // Unknown: an abandoned read, or a second answer to a duplicated request. Either way nobody waits.
    if (read === undefined || read.nodeId !== node.id || read.confirmedIndex !== null) return;
    const mustReflect = read.mustReflect;
    check(mustReflect === null || readState.index >= mustReflect.index, 'read-linearizability',
      () => `read ${read.readContext} on ${node.id} issued at ${read.issuedAtMs}ms got index ${readState.index}, but client ${mustReflect?.clientId} seq ${mustReflect?.seq} was acknowledged at index ${mustReflect?.index} before it`);
    read.confirmedIndex = readState.index;
    this.awaitingApplyCount++;
    this.serveIfApplied(node, read);
  }

  /** After a node applied more entries, serve the reads it was waiting to apply. */
  applied(node: SimulatedNode): void {
    if (this.awaitingApplyCount === 0) return;
    for (const read of this.pending.values()) {
      if (read.nodeId === node.id && read.confirmedIndex !== null) this.serveIfApplied(node, read);
    }
  }

  /** Drops reads older than `timeoutMs`: their request or answer was lost, or their node crashed. */
  abandonOlderThan(timeoutMs: number): void {
    for (const read of [...this.pending.values()]) {
      if (this.queue.nowMs - read.issuedAtMs < timeoutMs) continue;
      this.figures.readsAbandoned++;
      this.forget(read.readContext);
    }
  }

  private serveIfApplied(node: SimulatedNode, read: PendingRead): void {
    if (read.confirmedIndex === null || node.appliedIndex < read.confirmedIndex) return;
    const mustReflect = read.mustReflect;
    check(mustReflect === null || node.stateMachine().hasApplied(mustReflect.clientId, mustReflect.seq), 'read-linearizability',
      () => `read ${read.readContext} on ${node.id} served at applied index ${node.appliedIndex} without client ${mustReflect?.clientId} seq ${mustReflect?.seq}, acknowledged before the read`);
    this.figures.readsCompleted++;
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, `${node.id} read ${read.readContext} served at index ${read.confirmedIndex}`);
    this.forget(read.readContext);
  }

  private forget(readContext: string): void {
    const read = this.pending.get(readContext);
    if (read === undefined) return;
    if (read.confirmedIndex !== null) this.awaitingApplyCount--;
    this.pending.delete(readContext);
  }
}
