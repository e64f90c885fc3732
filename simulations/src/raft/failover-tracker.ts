// Failover time: from the moment a fault removes the current leader (crash, pause, cut off from a quorum)
// until some node leads a higher term, in ticks. If the old leader comes back still leading before anyone
// else is elected, nothing failed over and the measurement is dropped.
import type { NodeId } from '../../../leader-worker/src/raft/types.js';
import type { EventQueue } from '../engine/event-queue.js';
import type { Trace } from '../engine/trace.js';

/** Where failover times go: the raft scenario's figures, or clinic-day's. */
export interface FailoverSamples {
  readonly failoverTicks: number[];
}

interface OpenFailover {
  readonly leaderId: NodeId;
  readonly term: number;
  readonly startedAtMs: number;
}

export class FailoverTracker {
  private open: OpenFailover | null = null;

  constructor(
    private readonly queue: EventQueue,
    private readonly trace: Trace,
    private readonly figures: FailoverSamples,
    private readonly tickIntervalMs: number,
  ) {}

  /** Whether a failover is being timed now. */
  get timing(): boolean {
    return this.open !== null;
  }

  /** A fault just took away the leader of `term`. A failover already being timed keeps its start. */
  leaderRemoved(leaderId: NodeId, term: number, cause: string): void {
    if (this.open !== null) return;
    this.open = { leaderId, term, startedAtMs: this.queue.nowMs };
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, `failover starts: leader ${leaderId} of term ${term} removed by ${cause}`);
  }

  /** A node was seen leading `term`. */
  leaderElected(leaderId: NodeId, term: number): void {
    const open = this.open;
    if (open === null || term <= open.term) return;
    const ticks = Math.round((this.queue.nowMs - open.startedAtMs) / this.tickIntervalMs);
    this.figures.failoverTicks.push(ticks);
    this.open = null;
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, `failover done: ${leaderId} leads term ${term} after ${ticks} ticks`);
  }

  /** Nobody can be elected for a while (the whole network is down): a failover being timed is dropped. */
  abandon(cause: string): void {
    if (this.open === null) return;
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, `failover not timed: ${cause}`);
    this.open = null;
  }

  /** The fault on `nodeId` ended; `stillLeads` says whether it still leads the term it led before. */
  faultEnded(nodeId: NodeId, stillLeads: (term: number) => boolean): void {
    const open = this.open;
    if (open === null || open.leaderId !== nodeId || !stillLeads(open.term)) return;
    this.open = null;
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, `failover cancelled: ${nodeId} still leads term ${open.term}`);
  }
}
