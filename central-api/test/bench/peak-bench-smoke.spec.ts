// Keeps `npm run bench -- peak` from rotting: a tiny run (10 clinics, 1 s interval, 3 s measured) against a
// real API process on its own PostgreSQL, end to end. It measures nothing: no figure here is a speed, and
// none is compared with a goal; it checks that every kind of request was made and answered without error and
// that every figure the issue asks for is reported.
import { runPeakBench } from '../../bench/peak-bench.js';

/** API start (initdb with fsync, migrations), setup, 4 s of load and stop; a loaded CI machine gets more. */
const smokeRunTimeoutMs = 90_000;

describe('peak benchmark smoke run (measures nothing)', () => {
  it('runs end to end and reports every figure, with each kind of request answered without error', async () => {
    const progress: string[] = [];
    const result = await runPeakBench({ clinics: 10, durationSeconds: 3, intervalSeconds: 1, warmupSeconds: 1 }, (line) => progress.push(line));

    expect(result['errors']).withContext(JSON.stringify(result['errorExamples'])).toBe(0);
    expect(result['warmupErrors']).toBe(0);
    const byKind = result['byKind'] as Record<string, { requests: number; errors: number }>;
    // Clinic 10 is the one lease-cycling clinic: in the window it renews, releases and acquires again.
    expect(Object.keys(byKind).sort()).toEqual(['feedPoll', 'labResult', 'leaseAcquire', 'leaseRelease', 'leaseRenew', 'upload']);
    expect(byKind['upload']!.requests).toBe(10 * 3);
    expect(byKind['feedPoll']!.requests).toBe(10 * 3);
    expect(result['requests']).toBe(Object.values(byKind).reduce((sum, kind) => sum + kind.requests, 0));
    for (const figure of ['p50Ms', 'p99Ms', 'maxMs', 'rssStartMb', 'rssEndMb', 'entriesPerSecond']) {
      expect(result[figure]).withContext(figure).toBeGreaterThan(0);
    }
    expect(result['p99Ms'] as number).toBeGreaterThanOrEqual(result['p50Ms'] as number);
    expect(result['feedItemsReceived']).withContext('lab results reach the clinics through their feeds').toBeGreaterThan(0);
    expect(progress.some((line) => line.startsWith('setup done'))).toBeTrue();
  }, smokeRunTimeoutMs);
});
