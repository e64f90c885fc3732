// A clinic's cellular link to central (the router's 3G/4G and VPN): up or cut, for one or more causes at once
// (an outage of the operator, the router itself down), with a one-way latency per request drawn from the
// profile and stretched during central's peak hour. Every cut starts a new generation: a request or an answer
// that was on its way when the link dropped is lost, as a TCP connection through a dead link is.
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { DurationRange } from '../raft/fault-profiles.js';

export type LinkCutCause = 'outage' | 'router';

export interface CellularLinkConditions {
  /** One-way latency of a request or an answer, uniform in the range. */
  readonly latency: DurationRange;
  /** Central's busy hour (the seed's 11 am peak), on the run's clock: latency multiplied by `factor` inside it. */
  readonly peak: { readonly startMs: number; readonly endMs: number; readonly factor: number } | null;
}

/** What a client needs of its link. */
export interface CentralLinkState {
  readonly up: boolean;
  /** Bumped at every cut: what was in flight under an older generation is lost. */
  readonly generation: number;
  /** A one-way latency drawn now. */
  latencyMs(): number;
}

/** The contract's link: always up, answers at once (no virtual clock there); cut() takes it down for good. */
export class InstantLink implements CentralLinkState {
  up = true;
  generation = 0;

  latencyMs(): number {
    return 0;
  }

  cut(): void {
    this.up = false;
    this.generation++;
  }
}

export class CellularLink implements CentralLinkState {
  private readonly cuts = new Map<LinkCutCause, number>();
  private generationNow = 0;
  /** When the link went down, while it is; and every time it was down before, as [start, end). */
  private downSinceMs: number | null = null;
  private readonly downIntervals: (readonly [number, number])[] = [];

  constructor(
    private readonly random: SeededRandom,
    private readonly conditions: CellularLinkConditions,
    /** The run's clock (ms since the run began), for the peak hour. */
    private readonly nowMs: () => number,
  ) {}

  get up(): boolean {
    return this.cuts.size === 0;
  }

  get generation(): number {
    return this.generationNow;
  }

  cut(cause: LinkCutCause): void {
    if (this.up) {
      this.generationNow++;
      this.downSinceMs = this.nowMs();
    }
    this.cuts.set(cause, (this.cuts.get(cause) ?? 0) + 1);
  }

  /** One cut of `cause` ends; the link is up when none is left. */
  heal(cause: LinkCutCause): void {
    const count = this.cuts.get(cause) ?? 0;
    if (count <= 1) this.cuts.delete(cause);
    else this.cuts.set(cause, count - 1);
    this.noteIfUp();
  }

  healAll(): void {
    this.cuts.clear();
    this.noteIfUp();
  }

  /**
   * How long the link was down within [fromMs, toMs): the figures count what the link's time costs a clinic
   * (a lab result posted during an outage waits for the outage; that wait is the outage's, not the system's).
   */
  downMsBetween(fromMs: number, toMs: number): number {
    const intervals = this.downSinceMs === null ? this.downIntervals : [...this.downIntervals, [this.downSinceMs, Number.POSITIVE_INFINITY] as const];
    let down = 0;
    for (const [start, end] of intervals) down += Math.max(0, Math.min(end, toMs) - Math.max(start, fromMs));
    return down;
  }

  private noteIfUp(): void {
    if (!this.up || this.downSinceMs === null) return;
    this.downIntervals.push([this.downSinceMs, this.nowMs()]);
    this.downSinceMs = null;
  }

  latencyMs(): number {
    const { latency, peak } = this.conditions;
    const drawn = latency.minMs + this.random.nextInt(latency.maxMs - latency.minMs + 1);
    const now = this.nowMs();
    return peak !== null && now >= peak.startMs && now < peak.endMs ? Math.round(drawn * peak.factor) : drawn;
  }
}
