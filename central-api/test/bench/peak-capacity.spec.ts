// The capacity search of the peak benchmark, over a fake peak run (no API is started): it steps the clinic
// count up, stops at the first step over the goal, and reports the last step within it for each run.
import { runCapacitySearch } from '../../bench/peak-capacity.js';
import type { PeakBenchSetup } from '../../bench/peak-settings.js';

const base: PeakBenchSetup = { clinics: 0, durationSeconds: 60, intervalSeconds: 10, warmupSeconds: 10 };

function fakePeak(p99ByClinics: (clinics: number, run: number) => number, errorsAt = Number.POSITIVE_INFINITY) {
  let run = 1;
  const asked: number[] = [];
  const runPeak = async (setup: PeakBenchSetup) => {
    asked.push(setup.clinics);
    expect(setup.durationSeconds).withContext('the rest of the setup is kept').toBe(60);
    return { p99Ms: p99ByClinics(setup.clinics, run), p50Ms: 5, errors: setup.clinics >= errorsAt ? 1 : 0, requests: 100, setup: { loadAverageBefore: [1, 1, 1] }, database: null };
  };
  return { runPeak, asked, nextRun: () => run++ };
}

describe('peak capacity search (fake runs)', () => {
  it('steps up to the first step over the goal, and gives the last one within it for each run, with the spread', async () => {
    const fake = fakePeak((clinics, run) => (clinics <= [1000, 1500, 1250][run - 1]! ? 200 : 260));
    const log = (line: string) => {
      if (/over the goal$/.test(line)) fake.nextRun(); // each run of this fake has its own capacity
    };
    const result = await runCapacitySearch({ clinicsFrom: 500, clinicsStep: 250, clinicsMax: 10_000, runs: 3 }, base, fake.runPeak, log);
    expect(result['capacityClinics']).toEqual({ min: 1000, median: 1250, max: 1500, byRun: [1000, 1500, 1250] });
    expect(fake.asked).toEqual([500, 750, 1000, 1250, 500, 750, 1000, 1250, 1500, 1750, 500, 750, 1000, 1250, 1500]);
  });

  it('counts an error as over the goal, stops at its bound, and says null when even the first step is over', async () => {
    const withErrors = fakePeak(() => 10, 750);
    expect((await runCapacitySearch({ clinicsFrom: 500, clinicsStep: 250, clinicsMax: 10_000, runs: 1 }, base, withErrors.runPeak, () => undefined))['capacityClinics'])
      .toEqual({ min: 500, median: 500, max: 500, byRun: [500] });
    const bounded = fakePeak(() => 10);
    await runCapacitySearch({ clinicsFrom: 500, clinicsStep: 500, clinicsMax: 1500, runs: 1 }, base, bounded.runPeak, () => undefined);
    expect(bounded.asked).toEqual([500, 1000, 1500]);
    const overloaded = fakePeak(() => 900);
    const result = await runCapacitySearch({ clinicsFrom: 500, clinicsStep: 250, clinicsMax: 10_000, runs: 1 }, base, overloaded.runPeak, () => undefined);
    expect((result['runs'] as { capacityClinics: number | null }[])[0]!.capacityClinics).toBeNull();
  });
});
