// What every scenario (raft, clinic-day) gives the CLI: a name, its fault profiles, and a way to run one seed
// to a verdict with figures. The CLI, the seed loop and the JSON report only know this file.
import type { Figures } from './engine/figures.js';
import type { Violation } from './engine/violation.js';
import type { DeriveFigures } from './report.js';

/** A value that JSON.stringify renders exactly, for settings printed in reports. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface ScenarioRunOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly faults: string;
  readonly trace: boolean;
  /** Clinics, for a scenario of several (clinics-central); others ignore it. */
  readonly clinics?: number;
  /** Clinic scenarios: the leader runs the voter policy (voter-policy/); others ignore it. */
  readonly voterPolicy?: boolean;
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
  /** Other names the CLI accepts for it (a former name); reports always print `name`. */
  readonly aliases?: readonly string[];
  readonly summary: string;
  readonly faultProfileNames: readonly string[];
  /** What the scenario calls its node count on the command line and in reports ('nodes' unless set). */
  readonly nodesOption?: 'nodes' | 'devices';
  /** Whether the scenario runs several clinics (--clinics). */
  readonly clinicsOption?: boolean;
  /** The figures each seed's line shows (the report's default set when absent). */
  readonly seedLineFigures?: readonly string[];
  /** Ratios computed from the counters summed over all seeds, printed first in the summary and the JSON. */
  readonly deriveFigures?: DeriveFigures;
  /** The complete settings a run uses (fault table, workload, timings), for --verbose and --json. */
  settings(nodes: number, faults: string): JsonValue;
  /**
   * Runs one seed to its verdict. A scenario whose nodes do asynchronous work (promises, as the real clinic
   * node does) returns a promise; it must still be deterministic: the same seed gives the same outcome.
   */
  runSeed(options: ScenarioRunOptions): SeedOutcome | Promise<SeedOutcome>;
}

/** What a scenario's run of one seed returns, before it becomes a SeedOutcome. */
export interface SeedRun {
  readonly seed: number;
  readonly violation: Violation | null;
  readonly figures: Figures;
  readonly trace: string;
}

export function seedOutcome(run: SeedRun): SeedOutcome {
  return { seed: run.seed, violation: run.violation, figures: run.figures.counters(), samples: run.figures.samples(), trace: run.trace };
}

/** Plain data to JSON data: settings objects hold only numbers, strings and arrays. */
export function toJson(value: object): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}
