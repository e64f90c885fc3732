// Backoff with jitter: bounded, growing, never below half its bound, never below what the server asked.
import { SeededRandom } from '../../src/raft/seeded-random.js';
import { retryDelayMs } from '../../src/uplink/retry-backoff.js';

const backoff = { firstDelayMs: 1_000, delayMsMax: 60_000, multiplier: 2 };

describe('retry backoff', () => {
  it('draws each delay in [bound / 2, bound], the bound doubling up to its maximum', () => {
    const random = new SeededRandom(7);
    for (let failures = 1; failures <= 12; failures++) {
      const bound = Math.min(60_000, 1_000 * 2 ** (failures - 1));
      for (let draw = 0; draw < 200; draw++) {
        const delay = retryDelayMs(failures, backoff, random);
        expect(delay).toBeGreaterThanOrEqual(bound / 2);
        expect(delay).toBeLessThanOrEqual(bound);
      }
    }
  });

  it('spreads clinics that failed together over the window (jitter), from one seed to the next', () => {
    const delays = new Set(Array.from({ length: 50 }, (_, seed) => retryDelayMs(6, backoff, new SeededRandom(seed + 1))));
    expect(delays.size).toBeGreaterThan(40);
  });

  it('waits at least what the server asked for (Retry-After), and stays finite after any number of failures', () => {
    expect(retryDelayMs(1, backoff, new SeededRandom(1), 30_000)).toBe(30_000);
    expect(retryDelayMs(10_000, backoff, new SeededRandom(1))).toBeLessThanOrEqual(60_000);
    expect(retryDelayMs(0, backoff, new SeededRandom(1))).toBeLessThanOrEqual(1_000);
  });
});
