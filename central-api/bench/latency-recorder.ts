// What happened to each request of the load, and its summary. A request's latency is counted from when it
// was due, not from when it was sent: a request that waited for the one before it (an API running slow holds
// back the clinic's next upload) is charged that wait, so a slow API cannot hide its slowness by slowing the
// load down (coordinated omission). The time from sending to the answer is kept too, to show the difference.
import { percentile } from '../../leader-worker/src/statistics/percentile.js';

export interface RequestOutcome {
  readonly kind: string;
  readonly dueMs: number;
  /** When it could go: when due, or when the previous request of its clinic's stream answered, if later. */
  readonly turnMs: number;
  /** Undefined for a request never sent (its stream fell too far behind; see LoadSchedule). */
  readonly sentMs: number | undefined;
  readonly doneMs: number;
  /** Undefined for a 2xx answer as expected; else 'status 409', 'timeout', 'ECONNRESET', ... */
  readonly failure: string | undefined;
  /** For a failure: what the answer or the error said. */
  readonly detail?: string;
}

export interface LatencySummary {
  readonly requests: number;
  readonly errors: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  /** From sending to the answer, leaving out any wait behind the clinic's previous request (sent requests only). */
  readonly sentToAnswerP50Ms: number | null;
  readonly sentToAnswerP99Ms: number | null;
}

export class LatencyRecorder {
  private readonly outcomes: RequestOutcome[] = [];

  record(outcome: RequestOutcome): void {
    this.outcomes.push(outcome);
  }

  get count(): number {
    return this.outcomes.length;
  }

  /** The outcomes recorded from `position` on (a position is an earlier `count`). */
  since(position: number): readonly RequestOutcome[] {
    return this.outcomes.slice(position);
  }

  summary(kind?: string): LatencySummary {
    return summarize(kind === undefined ? this.outcomes : this.outcomes.filter((outcome) => outcome.kind === kind));
  }

  kinds(): string[] {
    return [...new Set(this.outcomes.map((outcome) => outcome.kind))].sort();
  }

  /** Failures by cause, e.g. { 'status 429': 3, timeout: 1 }. */
  errorsByCause(): Record<string, number> {
    const causes: Record<string, number> = {};
    for (const { failure } of this.outcomes) if (failure !== undefined) causes[failure] = (causes[failure] ?? 0) + 1;
    return causes;
  }

  /** How late the generator sent requests after their turn came: its own lag (timers, a busy event loop). */
  sendDelayMs(fraction: number): number | null {
    return rounded(percentile(sentOnly(this.outcomes).map((outcome) => outcome.sentMs - outcome.turnMs), fraction));
  }

  /** How long requests waited, past when they were due, for the previous request of their stream to answer. */
  waitBehindPreviousMs(fraction: number): number | null {
    return rounded(percentile(this.outcomes.map((outcome) => outcome.turnMs - outcome.dueMs), fraction));
  }
}

export function summarize(outcomes: readonly RequestOutcome[]): LatencySummary {
  const fromDue = outcomes.map((outcome) => outcome.doneMs - outcome.dueMs);
  const fromSent = sentOnly(outcomes).map((outcome) => outcome.doneMs - outcome.sentMs);
  return {
    requests: outcomes.length,
    errors: outcomes.filter((outcome) => outcome.failure !== undefined).length,
    p50Ms: rounded(percentile(fromDue, 0.5)),
    p99Ms: rounded(percentile(fromDue, 0.99)),
    maxMs: rounded(fromDue.length === 0 ? null : fromDue.reduce((max, value) => Math.max(max, value))),
    sentToAnswerP50Ms: rounded(percentile(fromSent, 0.5)),
    sentToAnswerP99Ms: rounded(percentile(fromSent, 0.99)),
  };
}

function sentOnly(outcomes: readonly RequestOutcome[]): (RequestOutcome & { sentMs: number })[] {
  return outcomes.filter((outcome): outcome is RequestOutcome & { sentMs: number } => outcome.sentMs !== undefined);
}

/** Tenths of a millisecond: finer is noise. */
function rounded(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
