// The feed import's decisions, without a network or a node: who reads, from where, how far ahead it proposes,
// what it does with a page it cannot trust, and how it comes back after failures and leader changes.
import { duplicateWindowSequences, feedClientId, registrationEnvelope } from '../../src/chart/index.js';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import { FeedImportDecisions, pageProblem, type FeedImportAction, type FeedImportSettings } from '../../src/feed-import/feed-import-decisions.js';
import type { FeedItem } from '../../src/uplink/central-protocol.js';

const settings: FeedImportSettings = {
  backoff: { firstDelayMs: 1_000, delayMsMax: 60_000, multiplier: 2 },
  longPollWaitMs: 20_000,
  queueingLongPollWaitMs: 2_000,
  pageItems: 10,
  // One item a proposal here, so the specs of the window and of retries count proposals as items; the
  // specs of batching below set more.
  itemsPerProposalMax: 1,
  proposalsInFlightMax: 4,
  // One read at a time here too; the specs of reading ahead below set more.
  readsInFlightMax: 1,
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

/** Takes every proposal next() offers (as the driver would), returning each proposal's sequences. */
function proposals(feed: FeedImportDecisions, nowMs = 0): number[][] {
  const proposed: number[][] = [];
  for (let action: FeedImportAction = feed.next(nowMs); action.type === 'propose'; action = feed.next(nowMs)) {
    feed.proposalStarted(action.items[0]!.sequence, action.items.length);
    proposed.push(action.items.map((proposedItem) => proposedItem.sequence));
  }
  return proposed;
}

/** The sequences of every item proposed, in order. */
function proposeAll(feed: FeedImportDecisions, nowMs = 0): number[] {
  return proposals(feed, nowMs).flat();
}

describe('the feed import\'s decisions', () => {
  it('only a leader reads, from what the clinic log has decided, and long-polls once it has caught up', () => {
    const feed = decisions();
    expect(feed.next(0)).toEqual({ type: 'wait', untilMs: null });
    feed.observe({ leaderTerm: 3, decidedThrough: 40 });
    expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 40, limit: 10, waitMs: 0 });
    const read = feed.readStarted(40, 10);
    expect(feed.next(0)).withContext('one read at a time').toEqual({ type: 'wait', untilMs: null });
    feed.readAnswered(read, { type: 'items', items: items(41, 3) }, 3, 0);
    expect(proposeAll(feed)).toEqual([41, 42, 43]);
    expect(feed.next(0)).withContext('a short page: central has nothing more now').toEqual({ type: 'read', afterSequence: 43, limit: 10, waitMs: 20_000 });
  });

  it('reads on at once after a full page, and never asks past the items it holds', () => {
    const feed = decisions({ bufferedItemsMax: 15 });
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    const read = feed.readStarted(0, 10);
    feed.readAnswered(read, { type: 'items', items: items(1, 10) }, 1, 0);
    expect(proposeAll(feed)).toEqual([1, 2, 3, 4]);
    expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 10, limit: 5, waitMs: 0 });
    const nextRead = feed.readStarted(10, 5);
    feed.readAnswered(nextRead, { type: 'items', items: items(11, 5) }, 1, 0);
    expect(feed.next(0)).withContext('15 held, none decided').toEqual({ type: 'wait', untilMs: null });
    feed.observe({ leaderTerm: 1, decidedThrough: 4 });
    expect(feed.waiting).toBe(11);
    expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 15, limit: 4, waitMs: 0 });
  });

  it('keeps at most proposalsInFlightMax proposals unanswered, and goes on as the node answers', () => {
    const feed = decisions();
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    const read = feed.readStarted(0, 10);
    feed.readAnswered(read, { type: 'items', items: items(1, 10) }, 1, 0);
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
        feed.proposalStarted(action.items[0]!.sequence, action.items.length);
        continue;
      }
      expect(action.type).toBe('read');
      if (action.type !== 'read') return;
      const read = feed.readStarted(action.afterSequence, action.limit);
      feed.readAnswered(read, { type: 'items', items: items(action.afterSequence + 1, action.limit) }, 2, 0);
      after = action.afterSequence + action.limit;
    }
    proposeAll(feed);
    // Item 1 is undecided: 1 + window is the first that may not go.
    expect(feed.next(0).type).not.toBe('propose');
    feed.observe({ leaderTerm: 2, decidedThrough: 1 });
    expect(proposeAll(feed)).toEqual([duplicateWindowSequences + 1]);
  });

  /** A leader of term 1 that proposes 4 items at a time, two proposals out, holding items 1..`held`. */
  function batching(held: number): FeedImportDecisions {
    const feed = decisions({ itemsPerProposalMax: 4, proposalsInFlightMax: 2 });
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    feed.readAnswered(feed.readStarted(0, 10), { type: 'items', items: items(1, held) }, 1, 0);
    return feed;
  }

  it('proposes consecutive items together, at most itemsPerProposalMax in one', () => {
    const feed = batching(10);
    expect(proposals(feed)).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
    feed.proposalAnswered(1, 'taken', 1, 0);
    expect(proposals(feed)).withContext('what is held, however few').toEqual([[9, 10]]);
  });

  it('proposes again from the first item of a proposal the node did not take', () => {
    const feed = batching(8);
    expect(proposals(feed)).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
    feed.proposalAnswered(1, 'taken', 1, 0);
    feed.proposalAnswered(5, 'notTaken', 1, 0);
    feed.observe({ leaderTerm: 1, decidedThrough: 3 });
    expect(feed.next(0).type).withContext('a short page: the next read waits at central').toBe('read');
    feed.readStarted(8, 10);
    const held = feed.next(0);
    expect(held.type).withContext('held back by the backoff').toBe('wait');
    expect(proposals(feed, (held as { untilMs: number }).untilMs)).toEqual([[5, 6, 7, 8]]);
  });

  it('ends a proposal where the duplicate window ends', () => {
    const feed = decisions({ itemsPerProposalMax: 100, proposalsInFlightMax: 100, pageItems: 100, bufferedItemsMax: 400 });
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    for (let after = 0; after < 300; after += 100) {
      const read = feed.readStarted(after, 100);
      feed.readAnswered(read, { type: 'items', items: items(after + 1, 100) }, 1, 0);
    }
    expect(proposals(feed).map((proposal) => [proposal[0], proposal.at(-1)])).toEqual([[1, 100], [101, 200], [201, duplicateWindowSequences]]);
    feed.observe({ leaderTerm: 1, decidedThrough: 10 });
    expect(proposals(feed)).toEqual([Array.from({ length: 10 }, (_, position) => duplicateWindowSequences + 1 + position)]);
  });

  it('long-polls briefly while central is still queueing a download, to hear soon that it is complete', () => {
    const feed = decisions();
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    const horizon = { revision: 1, patientsTotal: 5, patientsReceived: 0, patientsReceivedWithPage: 3, queueing: true };
    feed.readAnswered(feed.readStarted(0, 10), { type: 'items', items: items(1, 3), horizon }, 1, 0);
    expect(proposeAll(feed)).toEqual([1, 2, 3]);
    expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 3, limit: 10, waitMs: 2_000 });
    feed.readAnswered(feed.readStarted(3, 10), { type: 'items', items: [], horizon: { ...horizon, patientsReceived: 3, queueing: false } }, 1, 0);
    expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 3, limit: 10, waitMs: 20_000 });
  });

  describe('reading ahead during a download', () => {
    const ahead = { readsInFlightMax: 2, pageItems: 10, bufferedItemsMax: 40 };

    /** A leader whose first page (items 1..10) said the feed reaches `feedLastSequence`. */
    function downloading(feedLastSequence: number, overrides: Partial<FeedImportSettings> = {}): FeedImportDecisions {
      const feed = decisions({ ...ahead, ...overrides });
      feed.observe({ leaderTerm: 1, decidedThrough: 0 });
      feed.readAnswered(feed.readStarted(0, 10), { type: 'items', items: items(1, 10), feedLastSequence }, 1, 0);
      return feed;
    }

    it('reads one page at a time until central says how far the feed reaches', () => {
      const feed = decisions(ahead);
      feed.observe({ leaderTerm: 1, decidedThrough: 0 });
      expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 0, limit: 10, waitMs: 0 });
      feed.readStarted(0, 10);
      expect(feed.next(0)).withContext('central refuses a read past the end it has').toEqual({ type: 'wait', untilMs: null });
    });

    it('keeps readsInFlightMax reads of consecutive pages out within the feed, and one long-poll once caught up', () => {
      const feed = downloading(24);
      proposeAll(feed);
      expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 10, limit: 10, waitMs: 0 });
      const second = feed.readStarted(10, 10);
      expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 20, limit: 10, waitMs: 0 });
      const third = feed.readStarted(20, 10);
      expect(feed.next(0)).withContext('two out').toEqual({ type: 'wait', untilMs: null });
      feed.readAnswered(second, { type: 'items', items: items(11, 10), feedLastSequence: 24 }, 1, 0);
      expect(feed.next(0)).withContext('the feed ends at 24: nothing to read ahead of the read after 20').toEqual({ type: 'wait', untilMs: null });
      feed.readAnswered(third, { type: 'items', items: items(21, 4), feedLastSequence: 24 }, 1, 0);
      expect(feed.waiting).toBe(24);
      expect(feed.next(0)).withContext('a short page: caught up').toEqual({ type: 'read', afterSequence: 24, limit: 10, waitMs: 20_000 });
      feed.readStarted(24, 10);
      expect(feed.next(0)).withContext('one long-poll only').toEqual({ type: 'wait', untilMs: null });
    });

    it('takes pages in their order when the answers come back out of it', () => {
      const feed = downloading(100, { bufferedItemsMax: 60 });
      const second = feed.readStarted(10, 10);
      const third = feed.readStarted(20, 10);
      feed.readAnswered(third, { type: 'items', items: items(21, 10), feedLastSequence: 100 }, 1, 0);
      expect(feed.waiting).withContext('page 3 waits for page 2').toBe(10);
      expect(feed.next(0)).withContext('what is held is proposed meanwhile').toEqual({ type: 'propose', items: [item(1)] });
      feed.readAnswered(second, { type: 'items', items: items(11, 10), feedLastSequence: 100 }, 1, 0);
      expect(feed.waiting).toBe(30);
      expect(proposeAll(feed)).toEqual([1, 2, 3, 4]);
      expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 30, limit: 10, waitMs: 0 });
    });

    it('takes what central says of itself from the answer of the latest read, whatever order answers come in', () => {
      const feed = downloading(100, { bufferedItemsMax: 60 });
      const second = feed.readStarted(10, 10);
      const third = feed.readStarted(20, 10);
      const horizon = { revision: 1, patientsTotal: 9, patientsReceived: 0, patientsReceivedWithPage: 0, queueing: false };
      expect(feed.readAnswered(third, { type: 'items', items: items(21, 5), feedLastSequence: 25, horizon }, 1, 0)).toBeTrue();
      expect(feed.readAnswered(second, { type: 'items', items: items(11, 10), feedLastSequence: 25, horizon: { ...horizon, queueing: true } }, 1, 0))
        .withContext('older than the answer already taken').toBeFalse();
      proposeAll(feed);
      expect(feed.next(0)).withContext('not queueing, as the newest answer said: the full long-poll').toEqual({ type: 'read', afterSequence: 25, limit: 10, waitMs: 20_000 });
    });

    it('drops what was asked past a short page: it would not continue the feed', () => {
      const feed = downloading(30);
      const second = feed.readStarted(10, 10);
      const third = feed.readStarted(20, 10);
      // Central lost items 17..20 meanwhile (restored from a backup, say) and answered the third read from 21.
      feed.readAnswered(second, { type: 'items', items: items(11, 6), feedLastSequence: 16 }, 1, 0);
      feed.readAnswered(third, { type: 'items', items: items(21, 3), feedLastSequence: 23 }, 1, 0);
      expect(feed.waiting).toBe(16);
      proposeAll(feed);
      expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 16, limit: 10, waitMs: 20_000 });
    });

    it('asks again from a read that failed, dropping the reads past it, and keeps the pages before it', () => {
      const feed = downloading(100, { readsInFlightMax: 3, bufferedItemsMax: 60 });
      const second = feed.readStarted(10, 10);
      const third = feed.readStarted(20, 10);
      const fourth = feed.readStarted(30, 10);
      feed.readAnswered(fourth, { type: 'items', items: items(31, 10), feedLastSequence: 100 }, 1, 0);
      feed.readAnswered(third, { type: 'unavailable' }, 1, 0);
      feed.readAnswered(second, { type: 'items', items: items(11, 10), feedLastSequence: 100 }, 1, 0);
      expect(feed.waiting).withContext('pages 1 and 2 kept, page 4 dropped with the hole before it').toBe(20);
      proposeAll(feed);
      const retry = feed.next(0);
      expect(retry.type).withContext('the backoff after the failure').toBe('wait');
      expect(feed.next((retry as { untilMs: number }).untilMs)).toEqual({ type: 'read', afterSequence: 20, limit: 10, waitMs: 0 });
    });
  });

  it('a new leader starts over from what the log decided, holding nothing of the old term', () => {
    const feed = decisions();
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    const read = feed.readStarted(0, 10);
    feed.readAnswered(read, { type: 'items', items: items(1, 10) }, 1, 0);
    proposeAll(feed);
    feed.observe({ leaderTerm: null, decidedThrough: 2 });
    expect(feed.next(0)).toEqual({ type: 'wait', untilMs: null });
    expect(feed.waiting).toBeNull();
    feed.observe({ leaderTerm: 4, decidedThrough: 2 });
    expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 2, limit: 10, waitMs: 0 });
    const readOfNewTerm = feed.readStarted(2, 10);
    feed.readAnswered(readOfNewTerm, { type: 'items', items: items(3, 10) }, 4, 0);
    expect(proposeAll(feed)).withContext('3 and 4 were proposed in term 1: proposed again, applied once').toEqual([3, 4, 5, 6]);
  });

  it('ignores an answer from an earlier term, which only frees the slot', () => {
    const feed = decisions();
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    const read = feed.readStarted(0, 10);
    feed.observe({ leaderTerm: 2, decidedThrough: 0 });
    feed.readAnswered(read, { type: 'items', items: items(1, 10) }, 1, 0);
    expect(feed.next(0)).toEqual({ type: 'read', afterSequence: 0, limit: 10, waitMs: 0 });
  });

  it('drops items the log decided while a read was out, rather than holding them twice', () => {
    const feed = decisions();
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    const read = feed.readStarted(0, 10);
    // Meanwhile the old leader's copies of 1..5 committed.
    feed.observe({ leaderTerm: 1, decidedThrough: 5 });
    feed.readAnswered(read, { type: 'items', items: items(1, 8) }, 1, 0);
    expect(feed.waiting).toBe(3);
    expect(proposeAll(feed)).toEqual([6, 7, 8]);
  });

  it('proposes a refused item again after a backoff, and what followed it', () => {
    const feed = decisions();
    feed.observe({ leaderTerm: 1, decidedThrough: 0 });
    const read = feed.readStarted(0, 10);
    feed.readAnswered(read, { type: 'items', items: items(1, 3) }, 1, 0);
    expect(proposeAll(feed)).toEqual([1, 2, 3]);
    feed.proposalAnswered(1, 'taken', 1, 0);
    feed.proposalAnswered(2, 'notTaken', 1, 100);
    feed.proposalAnswered(3, 'taken', 1, 100);
    const waiting = feed.next(100);
    expect(waiting.type).toBe('read');
    feed.readStarted(3, 10);
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
    const failed = feed.readStarted(0, 10);
    feed.readAnswered(failed, { type: 'unavailable', retryAfterMs: 5_000 }, 1, 1_000);
    expect(feed.next(1_000)).toEqual({ type: 'wait', untilMs: jasmine.any(Number) });
    const retry = feed.next(1_000);
    expect(retry.type === 'wait' ? retry.untilMs! : 0).toBeGreaterThanOrEqual(6_000);
    const refused = feed.readStarted(0, 10);
    feed.readAnswered(refused, { type: 'refused', status: 401, message: 'revoked' }, 1, 10_000);
    expect(feed.refusal).toEqual({ status: 401, message: 'revoked' });
    const after = feed.next(10_000);
    expect(after.type === 'wait' ? after.untilMs! : 0).toBeGreaterThanOrEqual(40_000);
    const answered = feed.readStarted(0, 10);
    feed.readAnswered(answered, { type: 'items', items: [] }, 1, 80_000);
    expect(feed.refusal).toBeNull();
  });

  it('stops, saying why, at a page with a hole or an item this device cannot take', () => {
    const holed = decisions();
    holed.observe({ leaderTerm: 1, decidedThrough: 0 });
    const read = holed.readStarted(0, 10);
    holed.readAnswered(read, { type: 'items', items: [item(1), item(3)] }, 1, 0);
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
