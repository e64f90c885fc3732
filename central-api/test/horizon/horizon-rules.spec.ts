// The horizon's own decisions: what a source clinic's chart copy is asked, and the order patients are queued in.
import { horizonLimits } from '../../src/horizon/horizon-limits.js';
import { asksChartCopy, fillDue, horizonCriteriaAt, refreshCutoff, unionInOrder } from '../../src/horizon/horizon-rules.js';

const dayMs = 86_400_000;
const nowMs = Date.parse('2026-12-06T10:00:00Z');

describe('sync horizon rules', () => {
  it('asks for visits since the days given and appointments from yesterday to a day past the days given (UTC days)', () => {
    expect(horizonCriteriaAt({ seenWithinDays: 30, appointmentsWithinDays: 14 }, nowMs)).toEqual({
      seenSinceMs: nowMs - 30 * dayMs, appointmentsFrom: '2026-12-05', appointmentsThrough: '2026-12-21',
    });
  });

  it('turns a rule off with 0 days: no visit is that recent, no date is in the range', () => {
    const off = horizonCriteriaAt({ seenWithinDays: 0, appointmentsWithinDays: 0 }, nowMs);
    expect(off.seenSinceMs).toBe(Number.POSITIVE_INFINITY);
    expect('2026-12-06' <= off.appointmentsThrough).toBeFalse();
    expect(asksChartCopy({ seenWithinDays: 0, appointmentsWithinDays: 0 })).toBeFalse();
    expect(asksChartCopy({ seenWithinDays: 0, appointmentsWithinDays: 1 })).toBeTrue();
    expect(asksChartCopy({ seenWithinDays: 1, appointmentsWithinDays: 0 })).toBeTrue();
  });

  it('names each patient once, in the order first named', () => {
    expect(unionInOrder([['b', 'a'], ['c', 'b'], [], ['d', 'a']])).toEqual(['b', 'a', 'c', 'd']);
  });

  it('passes over a download that is behind, cut off, or finished an hour ago; not one finished just now', () => {
    const finishedAgo = (ms: number) => ({ revision: 3, finishedAt: new Date(nowMs - ms) });
    expect(fillDue(2, 3, finishedAgo(0), nowMs)).withContext('a newer revision').toBeTrue();
    expect(fillDue(0, 1, undefined, nowMs)).withContext('never started').toBeTrue();
    expect(fillDue(3, 3, { revision: 3, finishedAt: null }, nowMs)).withContext('a refresh cut off').toBeTrue();
    expect(fillDue(3, 3, finishedAgo(horizonLimits.refreshAfterMs - 1), nowMs)).toBeFalse();
    expect(fillDue(3, 3, finishedAgo(horizonLimits.refreshAfterMs), nowMs)).toBeTrue();
    expect(fillDue(3, 3, { revision: 2, finishedAt: null }, nowMs)).withContext('no fill of this revision: nothing to refresh').toBeFalse();
    expect(refreshCutoff(nowMs).getTime()).toBe(nowMs - horizonLimits.refreshAfterMs);
  });
});
