// The feed import's decisions, without a network or a node: who reads, from where, how far ahead it proposes,
// what it does with a page it cannot trust, and how it comes back after failures and leader changes.
import { duplicateWindowSequences, feedClientId, registrationEnvelope } from '../../src/chart/index.js';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import { FeedImportDecisions, pageProblem, type FeedImportAction, type FeedImportSettings } from '../../src/feed-import/feed-import-decisions.js';
import type { FeedItem } from '../../src/uplink/central-protocol.js';

const settings: FeedImportSettings = {
  backoff: { firstDelayMs: 1_000, delayMsMax: 60_000, multiplier: 2 },
  longPollWaitMs: 20_000,
  pageItems: 10,
  proposalsInFlightMax: 4,
  bufferedItemsMax: 300,
};

function item(sequence: number): FeedItem {
  const built = registrationEnvelope({
    patientId: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    name: { given: 'Amina', family: `Okello ${sequence}` },
    sex: 'female',
    birth: { estimated: false, dateOfBirth: '1990-04-02' },
    registeredBy: 'central records',
  })(sequence, 1_750_000_000_000);
  if (!built.ok) throw new Error(built.error.message);
  return { cursor: `cursor-${sequence}`, sequence, kind: 'centralRegistration', payload: built.value, createdAt: '2026-12-04T10:00:00.000Z' };
}

function items(from: number, count: number): FeedItem[] {
  return Array.from({ length: count }, (_, position) => item(from + position));
}

function decisions(overrides: Partial<FeedImportSettings> = {}): FeedImportDecisions {
  return new FeedImportDecisions(new SeededRandom(5), { ...settings, ...overrides });
}

/** Takes every proposal next() offers (as the driver would), returning their sequences. */
function proposeAll(feed: FeedImportDecisions, nowMs = 0): number[] {
  const proposed: number[] = [];
  for (let action: FeedImportAction = feed.next(nowMs); action.type === 'propose'; action = feed.next(nowMs)) {
    feed.proposalStarted(action.item.sequence);
    proposed.push(action.item.sequence);
  }
  return proposed;
}

describe('the feed import\'s decisions', () => {
  it('only a leader reads, from what the clinic log has decided, and long-polls once it has caught up', () => {
    const feed = decisions();
    expect(feed.next(0)).toEqual({ type: 'wait', untilMs: null });
    feed.observe({ leaderTerm: 3, decidedThrough: 40 });
    expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 40, limit: 10, waitMs: 0 });
    feed.readStarted(40);
    expect(feed.next(0)).withContext('one read at a time').toEqual({ type: 'wait', untilMs: null });
    feed.readAnswered({ type: 'items', items: items(41, 3) }, 3, 10, 0);
    expect(proposeAll(feed)).toEqual([41, 42, 43]);
    expect(feed.next(0)).withContext('a short page: central has nothing more now').toEqual({ type: 'read', afterSequence: 43, limit: 10, waitMs: 20_000 });
  });

  it('reads on at once after a full page, and never asks past the items it holds', () => {
    const feed = decisions({ bufferedItemsMax: 15 });
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    feed.readStarted(0);
    feed.readAnswered({ type: 'items', items: items(1, 10) }, 1, 10, 0);
    expect(proposeAll(feed)).toEqual([1, 2, 3, 4]);
    expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 10, limit: 5, waitMs: 0 });
    feed.readStarted(10);
    feed.readAnswered({ type: 'items', items: items(11, 5) }, 1, 5, 0);
    expect(feed.next(0)).withContext('15 held, none decided').toEqual({ type: 'wait', untilMs: null });
    feed.observe({ leaderTerm: 1, decidedThrough: 4 });
    expect(feed.waiting).toBe(11);
    expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 15, limit: 4, waitMs: 0 });
  });

  it('keeps at most proposalsInFlightMax proposals unanswered, and goes on as the node answers', () => {
    const feed = decisions();
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    feed.readStarted(0);
    feed.readAnswered({ type: 'items', items: items(1, 10) }, 1, 10, 0);
    expect(proposeAll(feed)).toEqual([1, 2, 3, 4]);
    feed.proposalAnswered(1, 'taken', 1, 0);
    feed.proposalAnswered(2, 'taken', 1, 0);
    expect(proposeAll(feed)).toEqual([5, 6]);
  });

  it('never proposes an item a whole duplicate window past the oldest one the log has not decided', () => {
    const feed = decisions({ proposalsInFlightMax: 1_000, bufferedItemsMax: duplicateWindowSequences + 50, pageItems: 100 });
    feed.observe({ leaderTerm: 2, decidedThrough: 0 });
    let after = 0;
    while (after < duplicateWindowSequences + 50) {
      const action = feed.next(0);
      if (action.type === 'propose') {
        feed.proposalStarted(action.item.sequence);
        continue;
      }
      expect(action.type).toBe('read');
      if (action.type !== 'read') return;
      feed.readStarted(action.afterSequence);
      feed.readAnswered({ type: 'items', items: items(action.afterSequence + 1, action.limit) }, 2, action.limit, 0);
      after = action.afterSequence + action.limit;
    }
    proposeAll(feed);
    // Item 1 is undecided: 1 + window is the first that may not go.
    expect(feed.next(0).type).not.toBe('propose');
    feed.observe({ leaderTerm: 2, decidedThrough: 1 });
    expect(proposeAll(feed)).toEqual([duplicateWindowSequences + 1]);
  });

  it('a new leader starts over from what the log decided, holding nothing of the old term', () => {
    const feed = decisions();
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    feed.readStarted(0);
    feed.readAnswered({ type: 'items', items: items(1, 10) }, 1, 10, 0);
    proposeAll(feed);
    feed.observe({ leaderTerm: null, decidedThrough: 2 });
    expect(feed.next(0)).toEqual({ type: 'wait', untilMs: null });
    expect(feed.waiting).toBeNull();
    feed.observe({ leaderTerm: 4, decidedThrough: 2 });
    expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 2, limit: 10, waitMs: 0 });
    feed.readStarted(2);
    feed.readAnswered({ type: 'items', items: items(3, 10) }, 4, 10, 0);
    expect(proposeAll(feed)).withContext('3 and 4 were proposed in term 1: proposed again, applied once').toEqual([3, 4, 5, 6]);
  });

  it('ignores an answer from an earlier term, which only frees the slot', () => {
    const feed = decisions();
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    feed.readStarted(0);
    feed.observe({ leaderTerm: 2, decidedThrough: 0 });
    feed.readAnswered({ type: 'items', items: items(1, 10) }, 1, 10, 0);
    expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 0, limit: 10, waitMs: 0 });
  });

  it('drops items the log decided while a read was out, rather than holding them twice', () => {
    const feed = decisions();
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    feed.readStarted(0);
    // Meanwhile the old leader's copies of 1..5 committed.
    feed.observe({ leaderTerm: 1, decidedThrough: 5 });
    feed.readAnswered({ type: 'items', items: items(1, 8) }, 1, 10, 0);
    expect(feed.waiting).toBe(3);
    expect(proposeAll(feed)).toEqual([6, 7, 8]);
  });

  it('proposes a refused item again after a backoff, and what followed it', () => {
    const feed = decisions();
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    feed.readStarted(0);
    feed.readAnswered({ type: 'items', items: items(1, 3) }, 1, 10, 0);
    expect(proposeAll(feed)).toEqual([1, 2, 3]);
    feed.proposalAnswered(1, 'taken', 1, 0);
    feed.proposalAnswered(2, 'notTaken', 1, 100);
    feed.proposalAnswered(3, 'taken', 1, 100);
    const waiting = feed.next(100);
    expect(waiting.type).toBe('read');
    feed.readStarted(3);
    const held = feed.next(100);
    expect(held.type).toBe('wait');
    const untilMs = held.type === 'wait' ? held.untilMs : null;
    expect(untilMs).toBeGreaterThanOrEqual(600);
    expect(untilMs).toBeLessThanOrEqual(1_100);
    expect(proposeAll(feed, untilMs!)).toEqual([2, 3]);
  });

  it('backs off after central fails, at least as long as it asked, and says why it refused', () => {
    const feed = decisions();
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    feed.readStarted(0);
    feed.readAnswered({ type: 'unavailable', retryAfterMs: 5_000 }, 1, 10, 1_000);
    expect(feed.next(1_000)).toEqual({ type: 'wait', untilMs: jasmine.any(Number) });
    const retry = feed.next(1_000);
    expect(retry.type === 'wait' ? retry.untilMs! : 0).toBeGreaterThanOrEqual(6_000);
    feed.readStarted(0);
    feed.readAnswered({ type: 'refused', status: 401, message: 'revoked' }, 1, 10, 10_000);
    expect(feed.refusal).toEqual({ status: 401, message: 'revoked' });
    const after = feed.next(10_000);
    expect(after.type === 'wait' ? after.untilMs! : 0).toBeGreaterThanOrEqual(40_000);
    feed.readStarted(0);
    feed.readAnswered({ type: 'items', items: [] }, 1, 10, 80_000);
    expect(feed.refusal).toBeNull();
  });

  it('stops, saying why, at a page with a hole or an item this device cannot take', () => {
    const holed = decisions();
    holed.observe({ leaderTerm: 1, decidedThrough: 0 });
    holed.readStarted(0);
    holed.readAnswered({ type: 'items', items: [item(1), item(3)] }, 1, 10, 0);
    expect(holed.stuck).toMatch(/skipped from item 1 to item 3/);
    expect(holed.next(0)).withContext('nothing of that page is proposed').toEqual({ type: 'wait', untilMs: null });

    const unknown = { ...item(1), payload: { ...(item(1).payload as object), command: { type: 'recordSomethingNew' } } };
    expect(pageProblem([unknown], 0, 10)).toMatch(/not a command this device can take.*update the app/);
    expect(pageProblem([{ ...item(2), payload: { ...(item(2).payload as object), sequence: 7 } }], 1, 10)).toMatch(/under its own sequence/);
    expect(pageProblem([{ ...item(1), payload: { ...(item(1).payload as object), clientId: 'tablet-1' } }], 0, 10)).toMatch(/envelope of the feed/);
    expect(pageProblem(items(1, 3), 0, 2)).toMatch(/more than the 2 asked for/);
    expect(pageProblem(items(5, 3), 4, 10)).toBeNull();
    expect((item(1).payload as { clientId: string }).clientId).toBe(feedClientId);
  });
});
