// Liveness after healing (DESIGN.md invariant 6): once a majority can talk for long enough, a leader is
// elected within a bounded number of election timeouts and every pending proposal is acknowledged within a
// bounded time. Both bounds are named in settings.ts.
import type { EventQueue } from '../../engine/event-queue.js';
import type { Trace } from '../../engine/trace.js';
import { check } from '../../engine/violation.js';
import type { Cluster } from '../cluster.js';
import type { RaftFigures } from '../figures.js';
import type { RunTimings } from '../settings.js';
import type { Workload } from '../workload.js';

export class LivenessChecker {
  private healedAtMs: number | null = null;
  private leaderFound = false;

  constructor(
    private readonly queue: EventQueue,
    private readonly trace: Trace,
    private readonly figures: RaftFigures,
    private readonly timings: RunTimings,
    private readonly cluster: Cluster,
    private readonly workload: Workload,
  ) {}

  /** Faults just ended: start both clocks. */
  healed(): void {
    this.healedAtMs = this.queue.nowMs;
    const leaderDeadlineMs = this.timings.leaderAfterHealElectionTimeoutsMax * this.timings.electionTimeoutTicks * this.timings.tickIntervalMs;
    this.queue.scheduleAfter(leaderDeadlineMs, () => this.checkLeaderElected(leaderDeadlineMs));
    this.queue.scheduleAfter(this.timings.proposalAcknowledgedAfterHealMsMax, () => this.checkProposalsAcknowledged());
  }

  afterEvent(): void {
    if (this.healedAtMs === null || this.leaderFound) return;
    const leader = this.cluster.stableLeader();
    if (leader === null) return;
    this.leaderFound = true;
    const ticks = Math.round((this.queue.nowMs - this.healedAtMs) / this.timings.tickIntervalMs);
    this.figures.leaderAfterHealTicks.push(ticks);
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, `liveness: stable leader ${leader.id} ${ticks} ticks after healing`);
  }

  private checkLeaderElected(deadlineMs: number): void {
    check(this.leaderFound, 'liveness-leader',
      () => `no leader supported by a quorum within ${this.timings.leaderAfterHealElectionTimeoutsMax} election timeouts (${deadlineMs}ms) after healing`);
  }

  private checkProposalsAcknowledged(): void {
    const pending = this.workload.pendingTotal();
    check(pending === 0, 'liveness-acknowledgement',
      () => `${pending} proposals still unacknowledged ${this.timings.proposalAcknowledgedAfterHealMsMax}ms after healing: ${this.workload.describePending()}`);
  }
}
