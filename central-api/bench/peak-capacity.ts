// `npm run bench -- peak --capacity`: how many clinics one API process serves at the peak with p99 within the
// goal and no error. Each run steps the clinic count up (a fresh API process and database at every step, so a
// step does not inherit the one before it) and stops at the first step over the goal; its capacity is the last
// step within it. Several runs give the spread, each step with the machine's load average beside it (on a
// shared machine the load of others moves the figure more than anything in the API).
import { peakGoals, type PeakBenchSetup } from './peak-settings.js';

export interface CapacitySearch {
  readonly clinicsFrom: number;
  readonly clinicsStep: number;
  /** The search stops here even when every step is within the goal. */
  readonly clinicsMax: number;
  readonly runs: number;
}

export interface CapacityStep {
  readonly clinics: number;
  readonly withinGoal: boolean;
  readonly requests: unknown;
  readonly errors: unknown;
  readonly p50Ms: unknown;
  readonly p99Ms: unknown;
  readonly apiCpuCores: unknown;
  readonly databaseCpuCores: unknown;
  readonly loadAverageBefore: unknown;
  readonly loadAverageAfter: unknown;
  readonly checkpoints: unknown;
}

export interface CapacityRun {
  /** The last step within the goal; null when the first step was already over it. */
  readonly capacityClinics: number | null;
  readonly steps: readonly CapacityStep[];
}

type PeakRun = (setup: PeakBenchSetup, log: (line: string) => void) => Promise<Record<string, unknown>>;

export async function runCapacitySearch(search: CapacitySearch, base: PeakBenchSetup, runPeak: PeakRun, log: (line: string) => void): Promise<Record<string, unknown>> {
  const runs: CapacityRun[] = [];
  for (let run = 1; run <= search.runs; run++) {
    const steps: CapacityStep[] = [];
    for (let clinics = search.clinicsFrom; clinics <= search.clinicsMax; clinics += search.clinicsStep) {
      log(`capacity run ${run} of ${search.runs}: ${clinics} clinics`);
      const step = summarize(clinics, await runPeak({ ...base, clinics }, log));
      steps.push(step);
      log(`capacity run ${run}: ${clinics} clinics, p99 ${String(step.p99Ms)} ms, errors ${String(step.errors)}: ${step.withinGoal ? 'within' : 'over'} the goal`);
      if (!step.withinGoal) break;
    }
    const within = steps.filter((step) => step.withinGoal);
    runs.push({ capacityClinics: within.at(-1)?.clinics ?? null, steps });
  }
  const capacities = runs.map((run) => run.capacityClinics ?? 0).sort((left, right) => left - right);
  return {
    benchmark: 'peak-capacity',
    search,
    setup: { ...base, clinics: 'stepped' },
    goals: peakGoals,
    capacityClinics: { min: capacities[0], median: capacities[Math.floor(capacities.length / 2)], max: capacities.at(-1), byRun: runs.map((run) => run.capacityClinics) },
    runs,
  };
}

function summarize(clinics: number, result: Record<string, unknown>): CapacityStep {
  const setup = result['setup'] as Record<string, unknown>;
  const database = result['database'] as Record<string, unknown> | null;
  const p99Ms = result['p99Ms'];
  return {
    clinics,
    withinGoal: typeof p99Ms === 'number' && p99Ms <= peakGoals.p99MsMax && result['errors'] === peakGoals.errors,
    requests: result['requests'],
    errors: result['errors'],
    p50Ms: result['p50Ms'],
    p99Ms,
    apiCpuCores: result['apiCpuCores'],
    databaseCpuCores: result['databaseCpuCores'],
    loadAverageBefore: setup['loadAverageBefore'],
    loadAverageAfter: setup['loadAverageAfter'],
    checkpoints: database?.['checkpoints'] ?? null,
  };
}
