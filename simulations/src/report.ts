// Turns seed outcomes into what a person or a CI job reads: one line per seed, the exact replay command for
// every failure, and a summary whose JSON form is the last line of stdout. Only virtual-time figures go in,
// so the same seeds always print the same bytes.
import { percentile } from '../../leader-worker/src/statistics/percentile.js';
import type { Violation } from './engine/violation.js';
import type { JsonValue, SeedOutcome } from './scenario.js';

export interface RunDescription {
  readonly scenario: string;
  readonly nodes: number;
  readonly faults: string;
  /** The scenario's name for its node count ('devices' for clinic-day); 'nodes' when absent. */
  readonly nodesOption?: 'nodes' | 'devices';
  /** The clinic count, for a scenario of several clinics (clinics-central); absent otherwise. */
  readonly clinics?: number;
  /** Set when the run had the voter policy on. */
  readonly voterPolicy?: boolean;
}

export interface SeedFailure extends Violation {
  readonly seed: number;
  readonly replay: string;
}

export interface RunSummary {
  readonly description: RunDescription;
  readonly seedCount: number;
  readonly failures: readonly SeedFailure[];
  /** Counters summed over seeds. */
  readonly figures: Readonly<Record<string, number>>;
  /** For each pooled sample: [P50, P99], null when empty. */
  readonly percentiles: Readonly<Record<string, readonly [number | null, number | null]>>;
  /** Figures the scenario derives from the summed counters (percentages); null when undefined (0 / 0). */
  readonly derived: Readonly<Record<string, number | null>>;
}

/** Turns counters summed over seeds into ratios (a percentage of two sums, not a mean of per-seed ones). */
export type DeriveFigures = (totals: Readonly<Record<string, number>>) => Record<string, number | null>;

/** The figures a seed line shows unless the scenario names others. */
export const defaultSeedLineFigures: readonly string[] = ['committedEntries', 'acknowledged', 'elections', 'crashes', 'snapshotsInstalled'];

export function replayCommand(description: RunDescription, seed: number): string {
  const clinics = description.clinics === undefined ? '' : ` --clinics ${description.clinics}`;
  const voterPolicy = description.voterPolicy === true ? ' --voter-policy on' : '';
  return `npm run simulate -- --scenario ${description.scenario} --seeds ${seed}${clinics} --${description.nodesOption ?? 'nodes'} ${description.nodes} --faults ${description.faults}${voterPolicy} --trace`;
}

export function seedLine(outcome: SeedOutcome, shownFigures: readonly string[] = defaultSeedLineFigures): string {
  const figures = outcome.figures;
  const verdict = outcome.violation === null ? 'ok' : `FAILED ${outcome.violation.invariant} at ${outcome.violation.atMs}ms: ${outcome.violation.message}`;
  const shown = shownFigures.map((name) => `${name}=${figures[name] ?? 0}`).join(' ');
  return `seed ${outcome.seed} ${verdict}${outcome.violation === null ? `  ${shown}` : ''}`;
}

/** Every figure of one seed, for --verbose; samples as count, P50, P99 and max. */
export function seedFiguresLine(outcome: SeedOutcome): string {
  const counters = Object.entries(outcome.figures).map(([name, value]) => `${name}=${value}`);
  const samples = Object.entries(outcome.samples).map(([name, values]) =>
    `${name}=n${values.length}/p50:${percentile(values, 0.5) ?? '-'}/p99:${percentile(values, 0.99) ?? '-'}/max:${values.length === 0 ? '-' : Math.max(...values)}`);
  return `  ${[...counters, ...samples].join(' ')}`;
}

/** Settings as an aligned two-column table, nested keys dotted ("faultProfile.network.lossProbability"). */
export function settingsTable(settings: JsonValue): string[] {
  const rows: [string, string][] = [];
  const visit = (prefix: string, value: JsonValue): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) visit(prefix === '' ? key : `${prefix}.${key}`, inner);
    } else {
      rows.push([prefix, Array.isArray(value) ? value.join(', ') : String(value)]);
    }
  };
  visit('', settings);
  const width = Math.max(...rows.map(([key]) => key.length));
  return rows.map(([key, value]) => `  ${key.padEnd(width)}  ${value}`);
}

export function summarize(description: RunDescription, outcomes: readonly SeedOutcome[], derive?: DeriveFigures): RunSummary {
  const figures: Record<string, number> = {};
  const pooled: Record<string, number[]> = {};
  const failures: SeedFailure[] = [];
  for (const outcome of outcomes) {
    for (const [name, value] of Object.entries(outcome.figures)) figures[name] = (figures[name] ?? 0) + value;
    for (const [name, values] of Object.entries(outcome.samples)) (pooled[name] ??= []).push(...values);
    if (outcome.violation !== null) failures.push({ ...outcome.violation, seed: outcome.seed, replay: replayCommand(description, outcome.seed) });
  }
  const percentiles: Record<string, readonly [number | null, number | null]> = {};
  for (const [name, values] of Object.entries(pooled)) percentiles[name] = [percentile(values, 0.5), percentile(values, 0.99)];
  return { description, seedCount: outcomes.length, failures, figures, percentiles, derived: derive?.(figures) ?? {} };
}

export function summaryLines(summary: RunSummary): string[] {
  const { description, failures } = summary;
  const lines = [
    `${description.scenario}: ${summary.seedCount} seeds, ${description.nodes} ${description.nodesOption ?? 'nodes'}, faults ${description.faults}: ${failures.length} failed`,
    `  ${Object.entries(summary.percentiles).map(([name, [p50, p99]]) => `${name} p50=${p50 ?? '-'} p99=${p99 ?? '-'}`).join(', ')}`,
    `  ${Object.entries(summary.figures).map(([name, value]) => `${name}=${value}`).join(' ')}`,
  ];
  const derived = Object.entries(summary.derived);
  if (derived.length > 0) lines.splice(1, 0, `  ${derived.map(([name, value]) => `${name}=${value ?? '-'}`).join(' ')}`);
  for (const failure of failures) lines.push(`FAILED seed ${failure.seed}: ${failure.invariant}: ${failure.message}`, `  replay: ${failure.replay}`);
  return lines;
}

/**
 * How long a run took on this machine against the virtual time it covered, to size a longer campaign. Taken
 * by the CLI around the whole run, never on the run path: the one part of a report that varies between
 * machines and runs.
 */
export interface WallClockFigures {
  readonly wallClockMs: number;
  readonly virtualHours: number;
  /** Virtual time over wall-clock time (360: an hour of clinic in 10 s); null when the run took no measurable time. */
  readonly virtualToWallClockRatio: number | null;
}

export function wallClockFigures(virtualMs: number, wallClockMs: number): WallClockFigures {
  return {
    wallClockMs,
    virtualHours: Math.floor(virtualMs / 3_600) / 1_000,
    virtualToWallClockRatio: wallClockMs <= 0 ? null : Math.round(virtualMs / wallClockMs),
  };
}

export function wallClockLine(figures: WallClockFigures): string {
  const ratio = figures.virtualToWallClockRatio === null ? '' : `: ${figures.virtualToWallClockRatio} times real time`;
  return `wall clock ${(figures.wallClockMs / 1_000).toFixed(1)} s for ${figures.virtualHours} hours of virtual time${ratio}`;
}

/**
 * The --json object: fixed keys first, then every summed figure and percentile, then the wall clock (only
 * from the CLI, which measures it) and the settings.
 */
export function summaryJson(summary: RunSummary, settings: JsonValue, wallClock?: WallClockFigures): Record<string, JsonValue> {
  const json: Record<string, JsonValue> = {
    scenario: summary.description.scenario,
    nodes: summary.description.nodes,
    ...(summary.description.nodesOption === 'devices' ? { devices: summary.description.nodes } : {}),
    faults: summary.description.faults,
    ...(summary.description.clinics === undefined ? {} : { clinics: summary.description.clinics }),
    seeds: summary.seedCount,
    failedSeeds: summary.failures.map((failure) => failure.seed),
    violations: summary.failures.length,
    ...summary.derived,
  };
  for (const [name, [p50, p99]] of Object.entries(summary.percentiles)) {
    json[`${name}P50`] = p50;
    json[`${name}P99`] = p99;
  }
  for (const [name, value] of Object.entries(summary.figures)) json[name] = value;
  json.failures = summary.failures.map((failure) => ({
    seed: failure.seed, invariant: failure.invariant, message: failure.message, atMs: failure.atMs, replay: failure.replay,
  }));
  if (wallClock !== undefined) json.wallClock = { ...wallClock };
  json.settings = settings;
  return json;
}
