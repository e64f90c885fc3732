// How long the uplink waits before it tries central again after a failure: exponential backoff with full
// jitter (a random delay up to the exponential bound), so the clinics that lost central together (the 11 a.m.
// peak, a provider's outage) do not all come back in the same second. Pure: the randomness is injected.
import type { RandomSource } from '../raft/types.js';

export interface RetryBackoff {
  /** Bound on the first retry's delay. */
  readonly firstDelayMs: number;
  /** Bound on any delay: a clinic offline for hours still tries this often. */
  readonly delayMsMax: number;
  /** Each failure in a row multiplies the bound by this. */
  readonly multiplier: number;
}

/**
 * At most 30 s between tries: after hours offline the clinic is back in sync within about half a minute of the
 * link's return (the seed's goal is 60 s; a bound of 60 s spent all of it waiting). A try is one small request.
 */
export const defaultRetryBackoff: RetryBackoff = { firstDelayMs: 1_000, delayMsMax: 30_000, multiplier: 2 };

/**
 * The delay before retry number `failures` (1 after the first failure): uniform in [bound / 2, bound], where
 * bound = min(delayMsMax, firstDelayMs * multiplier^(failures - 1)). Half the bound at least, so a run of
 * short draws cannot turn the backoff into a hammering; `retryAfterMs` (a server's Retry-After) is a floor.
 */
export function retryDelayMs(failures: number, backoff: RetryBackoff, random: RandomSource, retryAfterMs = 0): number {
  const exponent = Math.max(0, failures - 1);
  // Past about 60 doublings the bound is delayMsMax anyway; stop before the power overflows to Infinity.
  const bound = Math.min(backoff.delayMsMax, backoff.firstDelayMs * backoff.multiplier ** Math.min(exponent, 60));
  const half = Math.floor(bound / 2);
  return Math.max(retryAfterMs, half + random.nextInt(bound - half + 1));
}
