// The sync horizon's decisions that are not the chart's: the criteria a source clinic's chart copy is asked
// with, and the patients a horizon brings, in the order they are queued. Pure.
import type { HorizonCriteria } from '../../../leader-worker/src/chart/index.js';
import { horizonLimits } from './horizon-limits.js';
import type { HorizonSettings, StoredFill } from './horizon.repository.js';

const dayMs = 86_400_000;

/**
 * What a source clinic's copy is asked at central's `nowMs`. Dates are central's UTC days, one day wider on
 * each side: a clinic hours ahead of UTC books "tomorrow" while central's today is still yesterday.
 * 0 days means the rule is off.
 */
export function horizonCriteriaAt(settings: Pick<HorizonSettings, 'seenWithinDays' | 'appointmentsWithinDays'>, nowMs: number): HorizonCriteria {
  const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  return {
    seenSinceMs: settings.seenWithinDays === 0 ? Number.POSITIVE_INFINITY : nowMs - settings.seenWithinDays * dayMs,
    appointmentsFrom: isoDay(nowMs - dayMs),
    // An empty range ('' sorts before every date) when the rule is off.
    appointmentsThrough: settings.appointmentsWithinDays === 0 ? '' : isoDay(nowMs + (settings.appointmentsWithinDays + 1) * dayMs),
  };
}

/** Whether a source's chart copy needs asking at all. */
export function asksChartCopy(settings: Pick<HorizonSettings, 'seenWithinDays' | 'appointmentsWithinDays'>): boolean {
  return settings.seenWithinDays > 0 || settings.appointmentsWithinDays > 0;
}

/** Every patient named once, in the order first named: sources in the order the admin listed them. */
export function unionInOrder(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

/**
 * Whether a clinic's download needs a pass at `nowMs`: its newest revision is not queued whole yet (a change,
 * a crash, a restart), or the last pass finished long enough ago that the calendar may have brought new patients.
 */
export function fillDue(filledRevision: number, revision: number, fill: Pick<StoredFill, 'revision' | 'finishedAt'> | undefined, nowMs: number): boolean {
  if (filledRevision < revision) return true;
  if (fill === undefined || fill.revision !== revision) return false;
  if (fill.finishedAt === null) return true;
  return nowMs - fill.finishedAt.getTime() >= horizonLimits.refreshAfterMs;
}

/** The newest finish time a download may have and still be due for a refresh at `nowMs`. */
export function refreshCutoff(nowMs: number): Date {
  return new Date(nowMs - horizonLimits.refreshAfterMs);
}
