// How much the fuzz specs run and how a run is replayed. `npm test` runs from one fixed seed, so what CI checks
// is the same every time; a campaign explores with fresh seeds: FUZZ_SEED=random. A failing property prints its
// seed and the path of the shrunk counterexample. To replay it:
//   FUZZ_SEED=<seed> FUZZ_PATH=<path> npx jasmine --config=jasmine.json --filter="<the spec's describe>"
// A longer campaign multiplies every property's runs, and FUZZ_REPORT=1 prints what each property sent:
//   FUZZ_SEED=random FUZZ_RUNS_FACTOR=10 FUZZ_REPORT=1 npx jasmine --config=jasmine.json --filter="fuzzing"
import fc, { type Parameters, type RunDetails } from 'fast-check';

export interface FuzzSettings {
  readonly seed: number | undefined;
  readonly path: string | undefined;
  readonly runsFactor: number;
  readonly report: boolean;
}

/** The seed of `npm test`'s runs (each property's runs start from it). */
const defaultFuzzSeed = 20_261_125;

/** Characters of one line of a failure report: generated strings run to a megabyte. */
const reportLineCharactersMax = 500;

/** The longest one generated request may take; far more than any takes, so only a hang trips it. */
export const fuzzRequestTimeoutMs = 20_000;

/** A fuzz spec's own time limit (jasmine's): its runs at the default factor take a few seconds. */
export function fuzzSpecTimeoutMs(settings: FuzzSettings = fuzzSettings()): number {
  return 120_000 * settings.runsFactor;
}

export function fuzzSettings(environment: NodeJS.ProcessEnv = process.env): FuzzSettings {
  return {
    seed: environment['FUZZ_SEED'] === 'random' ? undefined : (integerSetting(environment, 'FUZZ_SEED') ?? defaultFuzzSeed),
    path: nonEmpty(environment['FUZZ_PATH']),
    runsFactor: integerSetting(environment, 'FUZZ_RUNS_FACTOR', 1) ?? 1,
    report: environment['FUZZ_REPORT'] === '1',
  };
}

/** fast-check's parameters for a property that runs `numRuns` times at the default factor. */
export function fuzzParameters(numRuns: number, settings: FuzzSettings = fuzzSettings()): Parameters<unknown> {
  return {
    numRuns: numRuns * settings.runsFactor,
    reporter: throwShortReport,
    ...(settings.seed === undefined ? {} : { seed: settings.seed }),
    ...(settings.path === undefined ? {} : { path: settings.path }),
  };
}

/** fast-check's own report (seed, path, counterexample, cause), each line cut to a readable length. */
function throwShortReport(details: RunDetails<unknown>): void {
  if (!details.failed) return;
  const report = fc.defaultReportMessage(details) ?? 'the property failed';
  const lines = report.split('\n').map((line) => (line.length <= reportLineCharactersMax ? line : `${line.slice(0, reportLineCharactersMax)}... (${line.length} characters)`));
  throw new Error(lines.join('\n'), { cause: details.errorInstance });
}

function integerSetting(environment: NodeJS.ProcessEnv, name: string, minimum = Number.MIN_SAFE_INTEGER): number | undefined {
  const text = nonEmpty(environment[name]);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < minimum) throw new Error(`${name} must be an integer of at least ${minimum}, not ${text}`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
