// The uplink's decisions, without a network: who uploads, from where, after which failure how long it waits,
// and when central's acknowledgement is written into the clinic log.
import { SeededRandom } from '../../src/raft/seeded-random.js';
import { UplinkDecisions, type UplinkView } from '../../src/uplink/uplink-decisions.js';

const settings = { backoff: { firstDelayMs: 1_000, delayMsMax: 60_000, multiplier: 2 }, acknowledgementRecordEntries: 10, lingerMs: 0, lingerEntriesMax: 1 };

function leading(term: number, commitIndex: number, recordedAcknowledgedIndex = 0): UplinkView {
  return { leaderTerm: term, commitIndex, recordedAcknowledgedIndex };
}

function decisions(): UplinkDecisions {
  return new UplinkDecisions(new SeededRandom(3), settings);
}

describe('the uplink\'s decisions', () => {
  it('keeps the clock central measured at the last upload, and says when it is past the limit', () => {
    const uplink = decisions();
    uplink.observe(leading(1, 10));
    expect(uplink.clock).toBeNull();
    uplink.requestStarted();
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 0 }, 1, 0);
    expect(uplink.clock).withContext('an acknowledgement without a measure').toBeNull();
    uplink.requestStarted();
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 10, clockSkewMs: -3 * 3_600_000 }, 1, 0);
    expect(uplink.clock).toEqual({ skewMs: -3 * 3_600_000, beyondLimit: true });
    uplink.requestStarted();
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 10, clockSkewMs: -150 }, 1, 0);
    expect(uplink.clock).toEqual({ skewMs: -150, beyondLimit: false });
  });

  it('lingers after catching up, so the entries of one visit share an upload, unless many are waiting', () => {
    const uplink = new UplinkDecisions(new SeededRandom(3), { ...settings, lingerMs: 2_000, lingerEntriesMax: 5 });
    uplink.observe(leading(1, 0));
    uplink.requestStarted();
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 0 }, 1, 0);
    uplink.observe(leading(1, 2));
    expect(uplink.next(1_000)).withContext('the first entry waits for the others').toEqual({ type: 'wait', untilMs: 3_000 });
    uplink.observe(leading(1, 4));
    expect(uplink.next(2_500)).withContext('the window does not move with each entry').toEqual({ type: 'wait', untilMs: 3_000 });
    expect(uplink.next(3_000)).toEqual({ type: 'upload', fromIndex: 1 });
    uplink.requestStarted();
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 4 }, 1, 3_100);
    expect(uplink.next(3_100)).toEqual({ type: 'wait', untilMs: null });
    uplink.observe(leading(1, 10));
    expect(uplink.next(3_200)).withContext('enough waiting: at once').toEqual({ type: 'upload', fromIndex: 5 });
  });

  it('only a leader uploads; a new leader first asks central how far it holds the log, then uploads from there', () => {
    const uplink = decisions();
    expect(uplink.next(0)).toEqual({ type: 'wait', untilMs: null });
    uplink.observe({ leaderTerm: null, commitIndex: 50, recordedAcknowledgedIndex: 0 });
    expect(uplink.next(0)).toEqual({ type: 'wait', untilMs: null });
    uplink.observe(leading(4, 50));
    expect(uplink.next(0)).toEqual({ type: 'fetchAcknowledgement' });
    uplink.requestStarted();
    expect(uplink.next(0)).withContext('one request at a time').toEqual({ type: 'wait', untilMs: null });
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 20 }, 4, 0);
    expect(uplink.notUploaded).toBe(30);
    expect(uplink.next(0)).toEqual({ type: 'upload', fromIndex: 21 });
  });

  it('resumes from each acknowledgement, and waits once central holds everything committed', () => {
    const uplink = decisions();
    uplink.observe(leading(4, 50));
    uplink.requestStarted();
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 0 }, 4, 0);
    for (const acknowledged of [20, 40, 50]) {
      const action = uplink.next(0);
      expect(action.type).toBe('upload');
      uplink.requestStarted();
      uplink.answered({ type: 'acknowledged', acknowledgedIndex: acknowledged }, 4, 0);
    }
    uplink.acknowledgementProposed(50);
    expect(uplink.next(0)).toEqual({ type: 'wait', untilMs: null });
    expect(uplink.notUploaded).toBe(0);
    uplink.observe(leading(4, 51, 50));
    expect(uplink.next(0)).toEqual({ type: 'upload', fromIndex: 51 });
  });

  it('never moves back on a stale acknowledgement, but resends from what central says it needs (a gap)', () => {
    const uplink = decisions();
    uplink.observe(leading(2, 100));
    uplink.requestStarted();
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 60 }, 2, 0);
    uplink.requestStarted();
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 40 }, 2, 0);
    expect(uplink.next(0)).toEqual({ type: 'upload', fromIndex: 61 });
    uplink.requestStarted();
    uplink.answered({ type: 'gap', expectedIndex: 31 }, 2, 0);
    expect(uplink.next(0)).toEqual({ type: 'upload', fromIndex: 31 });
  });

  it('backs off after failures in a row, at least as long as the server asked, and resumes where it was', () => {
    const uplink = decisions();
    uplink.observe(leading(2, 100));
    uplink.requestStarted();
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 10 }, 2, 0);
    let now = 0;
    const waits: number[] = [];
    for (let failure = 1; failure <= 8; failure++) {
      uplink.requestStarted();
      uplink.answered({ type: 'unavailable' }, 2, now);
      const action = uplink.next(now);
      if (action.type !== 'wait' || action.untilMs === null) throw new Error(`expected a timed wait, got ${JSON.stringify(action)}`);
      waits.push(action.untilMs - now);
      expect(uplink.next(action.untilMs - 1).type).toBe('wait');
      now = action.untilMs;
      expect(uplink.next(now)).toEqual({ type: 'upload', fromIndex: 11 });
    }
    expect(waits[0]).toBeLessThanOrEqual(1_000);
    expect(waits[7]).toBeGreaterThanOrEqual(30_000);
    uplink.requestStarted();
    uplink.answered({ type: 'unavailable', retryAfterMs: 120_000 }, 2, now);
    expect(uplink.next(now)).toEqual({ type: 'wait', untilMs: now + 120_000 });
    uplink.requestStarted();
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 30 }, 2, now + 120_000);
    uplink.requestStarted();
    uplink.answered({ type: 'unavailable' }, 2, now + 120_000);
    const afterSuccess = uplink.next(now + 120_000);
    expect(afterSuccess.type === 'wait' && afterSuccess.untilMs! - (now + 120_000)).withContext('a success resets the backoff').toBeLessThanOrEqual(1_000);
  });

  it('keeps a refusal for ops and waits the longest delay before trying again', () => {
    const uplink = decisions();
    uplink.observe(leading(2, 100));
    uplink.requestStarted();
    uplink.answered({ type: 'refused', status: 401, message: 'revoked credential' }, 2, 1_000);
    expect(uplink.refusal).toEqual({ status: 401, message: 'revoked credential' });
    expect(uplink.next(1_000)).toEqual({ type: 'wait', untilMs: 61_000 });
  });

  it('ignores an answer from an earlier term, and a new term asks central again', () => {
    const uplink = decisions();
    uplink.observe(leading(2, 100));
    uplink.requestStarted();
    uplink.observe(leading(3, 100));
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 90 }, 2, 0);
    expect(uplink.next(0)).toEqual({ type: 'fetchAcknowledgement' });
    uplink.requestStarted();
    uplink.answered({ type: 'unavailable' }, 3, 0);
    uplink.observe({ leaderTerm: null, commitIndex: 100, recordedAcknowledgedIndex: 0 });
    uplink.observe(leading(5, 100));
    expect(uplink.next(0)).withContext('a new term forgets the old backoff').toEqual({ type: 'fetchAcknowledgement' });
  });

  it('writes central\'s acknowledgement into the log every so many entries, once per acknowledgement', () => {
    const uplink = decisions();
    uplink.observe(leading(2, 25));
    uplink.requestStarted();
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 9 }, 2, 0);
    expect(uplink.next(0).type).toBe('upload');
    uplink.requestStarted();
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 25 }, 2, 0);
    expect(uplink.next(0)).toEqual({ type: 'recordAcknowledgement', acknowledgedIndex: 25 });
    uplink.acknowledgementProposed(25);
    expect(uplink.next(0)).toEqual({ type: 'wait', untilMs: null });
    // The record itself is entry 26: uploading it does not ask for another record.
    uplink.observe(leading(2, 26, 25));
    uplink.requestStarted();
    uplink.answered({ type: 'acknowledged', acknowledgedIndex: 26 }, 2, 0);
    expect(uplink.next(0)).toEqual({ type: 'wait', untilMs: null });
  });

  it('refuses to be driven wrong: two requests at once, or an answer nobody asked for', () => {
    const uplink = decisions();
    uplink.observe(leading(2, 5));
    expect(() => uplink.answered({ type: 'acknowledged', acknowledgedIndex: 1 }, 2, 0)).toThrowError(/no request in flight/);
    uplink.requestStarted();
    expect(() => uplink.requestStarted()).toThrowError(/one request to central at a time/);
  });
});
