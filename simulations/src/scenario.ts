// What every scenario (raft today, clinic-day later) gives the CLI: a name, its fault profiles, and a way to
// run one seed to a verdict with figures. The CLI, the seed loop and the JSON report only know this file.
import type { Violation } from './engine/violation.js';

/** A value that JSON.stringify renders exactly, for settings printed in reports. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface ScenarioRunOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly faults: string;
  readonly trace: boolean;
}

export interface SeedOutcome {
  readonly seed: number;
  /** The first broken invariant, or null when the seed passed. */
  readonly violation: Violation | null;
  /** Counters summed over seeds in the report (committedEntries, elections, ...). */
  readonly figures: Readonly<Record<string, number>>;
  /** Samples pooled over seeds and reported as P50 and P99 (failoverTicks, ...). */
  readonly samples: Readonly<Record<string, readonly number[]>>;
  /** Every event of the run, when tracing; otherwise empty. */
  readonly trace: string;
}

export interface Scenario {
  readonly name: string;
  readonly summary: string;
  readonly faultProfileNames: readonly string[];
  /** The complete settings a run uses (fault table, workload, timings), for --verbose and --json. */
  settings(nodes: number, faults: string): JsonValue;
  runSeed(options: ScenarioRunOptions): SeedOutcome;
}
