// Linearizable reads (lease state, in the clinic): at random times some device asks its core for a read
// index. The ReadChecker judges the answers; this only issues requests and gives up on stale ones.
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { EventQueue } from '../engine/event-queue.js';
import type { Trace } from '../engine/trace.js';
import type { Cluster } from './cluster.js';
import { describeResult } from './describe.js';
import type { RaftFigures } from './figures.js';
import type { ReadChecker } from './invariants/read-checker.js';
import type { WorkloadSettings } from './settings.js';

export class ReadWorkload {
  private issuedCount = 0;

  constructor(
    private readonly queue: EventQueue,
    private readonly random: SeededRandom,
    private readonly trace: Trace,
    private readonly figures: RaftFigures,
    private readonly settings: WorkloadSettings,
    private readonly cluster: Cluster,
    private readonly checker: ReadChecker,
  ) {}

  start(): void {
    this.scheduleNext();
  }

  private scheduleNext(): void {
    this.queue.scheduleAfter(1 + this.random.nextInt(2 * this.settings.readIntervalMsMean), () => this.issue());
  }

  private issue(): void {
    this.scheduleNext();
    this.checker.abandonOlderThan(this.settings.readTimeoutMs);
    if (this.checker.pendingCount >= this.settings.pendingReadsMax) return;
    const up = this.cluster.active().filter((node) => node.isUp);
    const node = up[this.random.nextInt(Math.max(1, up.length))];
    if (node === undefined) return;
    const readContext = `read-${++this.issuedCount}`;
    this.figures.readsIssued++;
    const membership = this.cluster.currentLeader()?.status().membership;
    // A learner's acknowledgement must never count towards a read's quorum: with an odd number of voters a
    // core that counted it would confirm a read with one voter fewer than a majority.
    if (membership !== undefined && membership.learners.length > 0 && membership.voters.length % 2 === 1) this.figures.readsIssuedBesideLearnersAndOddVoters++;
    this.checker.issued(readContext, node.id);
    const result = node.readIndex(readContext);
    if (result.type === 'refused') {
      this.figures.readsRefused++;
      this.checker.withdrawn(readContext);
    }
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, `${node.id} readIndex ${readContext}: ${describeResult(result)}`);
  }
}
