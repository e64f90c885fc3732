// The clinic-day scenario with the real clinic node: a seed replays to the same bytes (the node's promise
// work settles between events), a small batch per fault profile passes, and every kind of fault happens.
import { summaryJson } from '../src/report.js';
import { runSeeds } from '../src/run-seeds.js';
import type { SeedOutcome } from '../src/scenario.js';
import { clinicDayScenario } from '../src/clinic-day/clinic-day-scenario.js';
import { findClinicFaultProfile } from '../src/clinic-day/fault-profiles.js';
import { clinicDayTimings, defaultClinicDaySettings, type ClinicDaySettings } from '../src/clinic-day/settings.js';
import { runClinicDay } from '../src/clinic-day/simulation.js';

/** A shorter session (5 minutes of patients), for the tests that run a seed twice. */
const shortSession: ClinicDaySettings = { ...defaultClinicDaySettings, timings: { ...clinicDayTimings, sessionMs: 5 * 60_000 } };

async function traceOf(seed: number, faults: string): Promise<string> {
  const result = await runClinicDay({ seed, deviceCount: 5, profile: findClinicFaultProfile(faults)!, trace: true, settings: shortSession });
  expect(result.violation).withContext(`seed ${seed} ${faults}`).toBeNull();
  return result.trace;
}

async function runBatch(faults: string, seeds: readonly number[]): Promise<SeedOutcome[]> {
  const outcomes: SeedOutcome[] = [];
  for (const seed of seeds) outcomes.push(await clinicDayScenario.runSeed({ seed, nodes: 5, faults, trace: false }));
  return outcomes;
}

function failuresOf(outcomes: readonly SeedOutcome[]): string[] {
  return outcomes.filter((outcome) => outcome.violation !== null)
    .map((outcome) => `seed ${outcome.seed}: ${outcome.violation!.invariant}: ${outcome.violation!.message}`);
}

function total(outcomes: readonly SeedOutcome[], figure: string): number {
  return outcomes.reduce((sum, outcome) => sum + (outcome.figures[figure] ?? 0), 0);
}

/** A clinic session takes seconds of real time; jasmine's default of 5 s is for unit tests. */
const timeoutMs = 120_000;

describe('clinic-day determinism', () => {
  it('replays a heavy seed to a byte-identical trace, and another seed differs', async () => {
    const first = await traceOf(3, 'heavy');
    const second = await traceOf(3, 'heavy');
    expect(first.length).toBeGreaterThan(100_000);
    expect(second === first).withContext('the two traces of seed 3 differ').toBeTrue();
    expect((await traceOf(4, 'heavy')) === first).toBeFalse();
  }, timeoutMs);

  it('replays seeds to byte-identical lines and JSON through the CLI path', async () => {
    const jsonOf = async (): Promise<string> => {
      const lines: string[] = [];
      const summary = await runSeeds({ scenario: 'clinic-session', nodes: 3, faults: 'light', seeds: [5], verbose: true, trace: false }, (line) => lines.push(line));
      return `${lines.join('\n')}\n${JSON.stringify(summaryJson(summary, clinicDayScenario.settings(3, 'light')))}`;
    };
    const first = await jsonOf();
    expect(await jsonOf()).toBe(first);
    const summary = JSON.parse(first.slice(first.lastIndexOf('\n') + 1)) as Record<string, unknown>;
    expect(summary).toEqual(jasmine.objectContaining({ scenario: 'clinic-session', devices: 3, seeds: 1, failedSeeds: [], violations: 0, lostWrites: 0 }));
    for (const key of ['writableMinutesPct', 'handoffWithin2sPct', 'acknowledgedWrites', 'failoverTicksP99', 'handoffLatencyMsP99', 'clinicHoursSimulated', 'clinicOpenHours']) expect(Object.keys(summary)).toContain(key);
  }, timeoutMs);
});

describe('clinic-day with the real clinic node', () => {
  it('passes seeds without faults: every handoff on time, every minute writable', async () => {
    const outcomes = await runBatch('none', [1, 2]);
    expect(failuresOf(outcomes)).toEqual([]);
    expect(total(outcomes, 'visitsCompleted')).toBe(total(outcomes, 'patients'));
    expect(total(outcomes, 'handoffsMeasuredWithin2s')).toBe(total(outcomes, 'handoffs'));
    expect(total(outcomes, 'deviceMinutesWritable')).toBe(total(outcomes, 'deviceMinutesJudged'));
    expect(total(outcomes, 'acknowledgedPending')).toBe(0);
  }, timeoutMs);

  it('passes seeds of light faults', async () => {
    expect(failuresOf(await runBatch('light', [1, 2, 3]))).toEqual([]);
  }, timeoutMs);

  it('passes seeds of heavy faults, in which every kind of fault occurs', async () => {
    const outcomes = await runBatch('heavy', [3, 4, 6, 8]);
    expect(failuresOf(outcomes)).toEqual([]);
    const exercised = ['sleeps', 'batteryDeaths', 'batteryDeathsMidWrite', 'batteryDeathsAfterAcknowledgement', 'restarts', 'lanOutages',
      'partitions', 'flakyLinks', 'disksFull', 'storageFailures', 'acknowledgedHeldByPeer', 'acknowledgedPending', 'compactions', 'snapshotsInstalled', 'leaderFaults'];
    for (const figure of exercised) expect(total(outcomes, figure)).withContext(figure).toBeGreaterThan(0);
    expect(total(outcomes, 'lostWrites')).toBe(0);
  }, timeoutMs);
});
