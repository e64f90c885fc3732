// What the leader's feed import does next: read central's feed for this clinic (long-polling once it has caught
// up) and propose each item into the clinic log, in order, so every device of the clinic gets it. Pure (no I/O,
// no clock: `nowMs` is passed in, the randomness injected):
//   - during a download (a sync horizon's thousands of items) it keeps readsInFlightMax reads of consecutive
//     pages out, so the link carries one page while central prepares the next; answers are taken in the order
//     of their pages, and a short page (central has no more now) ends the pipeline: what was asked past it is
//     dropped unread, to be asked again;
//   - only a leader imports, from where the clinic log stands: the state machine knows every item decided
//     (applied or refused) up to `decidedThrough`, so a new leader, a restart or a lost answer resumes there
//     and never needs a cursor of its own;
//   - an item is proposed under the feed's identity (its sequence), so a second copy of it (a retry, the old
//     leader's copy committing late) applies once; the duplicate window is never outrun: item s is proposed
//     only while s < decidedThrough + 1 + duplicateWindowSequences (feedItemMayBeProposed);
//   - a page that is not the contiguous continuation asked for, or an item that is not a valid envelope of
//     the feed, stops the import with a reason for ops: skipping it would lose a lab result silently.
import { feedClientId, feedItemMayBeProposed, validateEnvelope } from '../chart/index.js';
import type { RandomSource } from '../raft/types.js';
import type { FeedItem, HorizonProgress } from '../uplink/central-protocol.js';
import { centralFeedLimits } from '../uplink/central-protocol.js';
import { defaultRetryBackoff, retryDelayMs, type RetryBackoff } from '../uplink/retry-backoff.js';
import { assert } from '../invariants/assert.js';

/** The node as the feed import sees it after each change. */
export interface FeedImportView {
  /** The term this device leads in, or null when it does not lead. */
  readonly leaderTerm: number | null;
  /** Every feed item up to this sequence has an outcome in the clinic log, as applied on this device. */
  readonly decidedThrough: number;
}

export interface FeedImportSettings {
  readonly backoff: RetryBackoff;
  /** How long a read waits for the next item once the import has caught up (a long-poll). */
  readonly longPollWaitMs: number;
  /**
   * The long-poll's wait while central says it is still queueing a sync horizon's download: short, so the
   * device hears soon that the download is complete even when no item follows the last one.
   */
  readonly queueingLongPollWaitMs: number;
  /**
   * Items asked for per read. As many as central serves: at the tip a long-poll answers with what there is
   * anyway, and a download (a sync horizon's thousands of items) pays a round trip per page, 300 ms on 3G.
   */
  readonly pageItems: number;
  /**
   * Reads of consecutive pages out at once during a download: two keep a 1 Mbit/s link busy (one page on the
   * wire while central reads the next from its database). Once caught up, one long-poll.
   */
  readonly readsInFlightMax: number;
  /**
   * Items in one proposal: the node appends them as consecutive entries in one step (one write to storage, one
   * append message per follower), which is what makes a download of thousands of items fast.
   */
  readonly itemsPerProposalMax: number;
  /**
   * Proposals made and not yet answered by the node. The duplicate window bounds the items proposed and not
   * yet decided anyway (256: about 30 KB of entries, so a clinician's write still commits within the next round).
   */
  readonly proposalsInFlightMax: number;
  /**
   * Items read and held here before they are decided: room for the pages read at once and one being proposed
   * (a read ahead is asked only for the room left), and memory stays bounded (a few MB) when the log is slower
   * than the feed.
   */
  readonly bufferedItemsMax: number;
}

const defaultReadsInFlight = 2;

export const defaultFeedImportSettings: FeedImportSettings = {
  backoff: defaultRetryBackoff,
  longPollWaitMs: 20_000,
  queueingLongPollWaitMs: 2_000,
  pageItems: centralFeedLimits.pageItemsMax,
  readsInFlightMax: defaultReadsInFlight,
  itemsPerProposalMax: 64,
  proposalsInFlightMax: 4,
  bufferedItemsMax: (defaultReadsInFlight + 1) * centralFeedLimits.pageItemsMax,
};

/** How a read of the feed ended. */
export type FeedAnswer =
  | {
    readonly type: 'items';
    readonly items: readonly FeedItem[];
    readonly horizon?: HorizonProgress;
    /** The feed's last sequence as central read the page (FeedPage.lastSequence); absent from an older central. */
    readonly feedLastSequence?: number;
  }
  /** No answer, a timeout, 5xx, 429 or 503: try again later (not before `retryAfterMs` when given). */
  | { readonly type: 'unavailable'; readonly retryAfterMs?: number }
  /** Any other 4xx: only ops can mend it. */
  | { readonly type: 'refused'; readonly status: number; readonly message: string };

/** How the node answered a proposal of consecutive items. */
export type FeedProposalOutcome =
  /**
   * In this leader's log: the log will decide every item (or the items are lost with this leadership, and the
   * next leader reads them again from central, where they are durable).
   */
  | 'taken'
  /** Not stored (no room, the node stopping, not the leader any more): propose it again later. */
  | 'notTaken';

export type FeedImportAction =
  | { readonly type: 'read'; readonly afterSequence: number; readonly limit: number; readonly waitMs: number }
  /** Consecutive items, from the one after the last proposed, in one proposal. */
  | { readonly type: 'propose'; readonly items: readonly FeedItem[] }
  /** Nothing until `untilMs` (a retry), or until the view changes or an answer arrives (`untilMs` null). */
  | { readonly type: 'wait'; readonly untilMs: number | null };

/** A read of one page, started and not yet taken into the buffer. */
interface PageRead {
  readonly id: number;
  readonly afterSequence: number;
  readonly limit: number;
  /** Its items once answered, held until every page before it is taken (answers may come back out of order). */
  answer: readonly FeedItem[] | null;
}

export class FeedImportDecisions {
  private view: FeedImportView = { leaderTerm: null, decidedThrough: 0 };
  /** Items read in this term, contiguous and ascending, every one past `decidedThrough`. */
  private buffered: FeedItem[] = [];
  /** The highest sequence proposed in this term (at least decidedThrough once leading). */
  private proposedThrough = 0;
  private proposalsInFlight = 0;
  /** Reads of this term not yet taken into the buffer, ascending and consecutive (each asks after the one before ends). */
  private reads: PageRead[] = [];
  private lastReadId = 0;
  /** The latest-started read answered so far: reads overlap, and an older read's answer says less about central now. */
  private newestAnsweredReadId = 0;
  /** The furthest the feed is known to reach (central answers reads up to it): pages are read ahead only within it. */
  private feedKnownThrough = 0;
  /** The newest answer said central is still queueing a sync horizon's download. */
  private centralQueueing = false;
  /** A read came back with less than it asked for: central has nothing more now, so the next read waits. */
  private caughtUp = false;
  private readFailuresInARow = 0;
  private readRetryAtMs = 0;
  private proposeFailuresInARow = 0;
  private proposeRetryAtMs = 0;
  private lastRefusal: { readonly status: number; readonly message: string } | null = null;
  private stuckReason: string | null = null;

  constructor(
    private readonly random: RandomSource,
    private readonly settings: FeedImportSettings = defaultFeedImportSettings,
  ) {
    assert(settings.pageItems >= 1 && settings.pageItems <= centralFeedLimits.pageItemsMax, 'a page central serves');
    assert(settings.longPollWaitMs >= 0 && settings.longPollWaitMs <= centralFeedLimits.longPollWaitMsMax, 'a wait central allows');
    assert(settings.queueingLongPollWaitMs >= 0 && settings.queueingLongPollWaitMs <= settings.longPollWaitMs, 'a shorter wait while central queues');
    assert(settings.bufferedItemsMax >= settings.pageItems, 'room for at least one page');
    assert(settings.itemsPerProposalMax >= 1 && settings.proposalsInFlightMax >= 1, 'room for a proposal');
    assert(settings.readsInFlightMax >= 1 && settings.bufferedItemsMax >= settings.readsInFlightMax * settings.pageItems, 'room for the pages read at once');
  }

  /** The node changed: a new role or term, feed items decided. */
  observe(view: FeedImportView): void {
    if (view.leaderTerm !== this.view.leaderTerm) {
      // A new term, or no longer leading: what was read and proposed belongs to the term that did it.
      this.buffered = [];
      // Their answers, when they come, match no read and are ignored.
      this.reads = [];
      this.proposalsInFlight = 0;
      this.caughtUp = false;
      this.readFailuresInARow = 0;
      this.readRetryAtMs = 0;
      this.proposeFailuresInARow = 0;
      this.proposeRetryAtMs = 0;
      this.proposedThrough = view.decidedThrough;
    }
    this.view = view;
    this.proposedThrough = Math.max(this.proposedThrough, view.decidedThrough);
    while (this.buffered.length > 0 && this.buffered[0]!.sequence <= view.decidedThrough) this.buffered.shift();
  }

  /** What to do now. Call again after every observe(), every answer and every started action, until it waits. */
  next(nowMs: number): FeedImportAction {
    if (this.view.leaderTerm === null || this.stuckReason !== null) return { type: 'wait', untilMs: null };
    const proposal = this.nextProposal(nowMs);
    if (proposal !== null) return proposal;
    // Caught up, one long-poll waits for what comes next; during a download, pages are read ahead, never past
    // the feed's known end (central refuses a read after a sequence it does not have).
    const readingAhead = this.reads.length > 0;
    const mayReadAhead = !this.caughtUp && this.reads.length < this.settings.readsInFlightMax && this.readFrom() < this.feedKnownThrough;
    if (readingAhead && !mayReadAhead) return this.waitForProposalRetry(nowMs, null);
    if (nowMs < this.readRetryAtMs) return this.waitForProposalRetry(nowMs, this.readRetryAtMs);
    const room = this.settings.bufferedItemsMax - this.buffered.length - this.reads.reduce((asked, read) => asked + read.limit, 0);
    if (room <= 0) return this.waitForProposalRetry(nowMs, null);
    const waitMs = !this.caughtUp ? 0 : this.centralQueueing ? this.settings.queueingLongPollWaitMs : this.settings.longPollWaitMs;
    return { type: 'read', afterSequence: this.readFrom(), limit: Math.min(this.settings.pageItems, room), waitMs };
  }

  /** The driver sent the read next() asked for; returns the id its answer is given back under. */
  readStarted(afterSequence: number, limit: number): number {
    assert(afterSequence === this.readFrom(), 'pages are read in order, each after the one before');
    assert(this.reads.length < this.settings.readsInFlightMax, 'no more reads at once than the settings allow');
    this.lastReadId++;
    this.reads.push({ id: this.lastReadId, afterSequence, limit, answer: null });
    return this.lastReadId;
  }

  /**
   * The read `readId` ended. An answer to a read of another term, or to one dropped since (it was asked past a
   * short page or a failed read), only frees its slot. Returns whether it is the answer of the latest-started
   * read answered so far, so what it says of central (the horizon's progress) is the newest there is.
   */
  readAnswered(readId: number, answer: FeedAnswer, term: number, nowMs: number): boolean {
    const newest = readId > this.newestAnsweredReadId;
    if (newest) this.newestAnsweredReadId = readId;
    const position = this.reads.findIndex((read) => read.id === readId);
    if (position === -1 || term !== this.view.leaderTerm) return newest;
    const read = this.reads[position]!;
    switch (answer.type) {
      case 'items': {
        const problem = pageProblem(answer.items, read.afterSequence, read.limit);
        if (problem !== null) {
          this.stuckReason = problem;
          return newest;
        }
        // Not the retry time: a later page's read may have failed meanwhile, and its backoff stands.
        this.readFailuresInARow = 0;
        this.lastRefusal = null;
        if (newest) this.centralQueueing = answer.horizon?.queueing === true;
        this.feedKnownThrough = Math.max(this.feedKnownThrough, answer.feedLastSequence ?? 0, answer.items.at(-1)?.sequence ?? 0);
        read.answer = answer.items;
        this.takeAnsweredPages();
        return newest;
      }
      case 'unavailable':
        this.reads.splice(position);
        this.readFailed(nowMs, answer.retryAfterMs ?? 0);
        return newest;
      case 'refused':
        this.reads.splice(position);
        this.lastRefusal = { status: answer.status, message: answer.message };
        this.readFailed(nowMs, this.settings.backoff.delayMsMax);
        return newest;
    }
  }

  /** The driver proposed the items next() asked for, `count` of them from `firstSequence`. */
  proposalStarted(firstSequence: number, count: number): void {
    assert(firstSequence === this.proposedThrough + 1, 'items are proposed in order');
    assert(count >= 1 && count <= this.settings.itemsPerProposalMax, 'a proposal of the size next() asked for');
    this.proposedThrough = firstSequence + count - 1;
    this.proposalsInFlight++;
  }

  /** The node answered the proposal made in `term` whose first item is `firstSequence`. */
  proposalAnswered(firstSequence: number, outcome: FeedProposalOutcome, term: number, nowMs: number): void {
    if (term !== this.view.leaderTerm) return;
    assert(this.proposalsInFlight > 0, 'an answer with no proposal in flight');
    this.proposalsInFlight--;
    if (outcome === 'taken') {
      this.proposeFailuresInARow = 0;
      return;
    }
    // Proposed again from here (what followed it too: a copy that was taken applies once).
    this.proposedThrough = Math.max(this.view.decidedThrough, Math.min(this.proposedThrough, firstSequence - 1));
    this.proposeFailuresInARow++;
    this.proposeRetryAtMs = nowMs + retryDelayMs(this.proposeFailuresInARow, this.settings.backoff, this.random);
  }

  /** Feed items read and not yet decided in the clinic log (null: not known here, e.g. not the leader). */
  get waiting(): number | null {
    return this.view.leaderTerm === null ? null : this.buffered.length;
  }

  get refusal(): { readonly status: number; readonly message: string } | null {
    return this.lastRefusal;
  }

  /** Why the import cannot go on by itself (an item this device cannot take), for ops; null while it can. */
  get stuck(): string | null {
    return this.stuckReason;
  }

  private nextProposal(nowMs: number): FeedImportAction | null {
    if (this.proposalsInFlight >= this.settings.proposalsInFlightMax || nowMs < this.proposeRetryAtMs) return null;
    const first = this.buffered[0];
    if (first === undefined || this.proposedThrough + 1 < first.sequence) return null;
    const items: FeedItem[] = [];
    for (let sequence = this.proposedThrough + 1; items.length < this.settings.itemsPerProposalMax; sequence++) {
      const item = this.buffered[sequence - first.sequence];
      if (item === undefined || !feedItemMayBeProposed(sequence, this.view.decidedThrough + 1)) break;
      items.push(item);
    }
    return items.length === 0 ? null : { type: 'propose', items };
  }

  /** A wait that also wakes for a proposal held back by a failure. */
  private waitForProposalRetry(nowMs: number, untilMs: number | null): FeedImportAction {
    const proposalRetry = nowMs < this.proposeRetryAtMs && this.buffered.length > 0 ? this.proposeRetryAtMs : null;
    if (proposalRetry === null) return { type: 'wait', untilMs };
    return { type: 'wait', untilMs: untilMs === null ? proposalRetry : Math.min(untilMs, proposalRetry) };
  }

  /** Takes answered pages into the buffer in page order, up to the first still out. */
  private takeAnsweredPages(): void {
    for (let read = this.reads[0]; read?.answer != null; read = this.reads[0]) {
      this.reads.shift();
      // Items decided or already held while the read was out are not held twice.
      const firstWanted = Math.max(this.view.decidedThrough, this.buffered.at(-1)?.sequence ?? 0) + 1;
      for (const item of read.answer) if (item.sequence >= firstWanted) this.buffered.push(item);
      this.caughtUp = read.answer.length < read.limit;
      // Central had no more when it answered: pages asked past this one would not continue it.
      if (this.caughtUp) this.reads = [];
    }
  }

  /** The sequence after which the next read asks: past what is decided, held, and asked for. */
  private readFrom(): number {
    const lastRead = this.reads.at(-1);
    const asked = lastRead === undefined ? 0 : lastRead.afterSequence + lastRead.limit;
    return Math.max(this.view.decidedThrough, this.buffered.at(-1)?.sequence ?? 0, asked);
  }

  private readFailed(nowMs: number, floorMs: number): void {
    this.readFailuresInARow++;
    this.caughtUp = false;
    this.readRetryAtMs = nowMs + retryDelayMs(this.readFailuresInARow, this.settings.backoff, this.random, floorMs);
  }
}

/**
 * Why a page cannot be imported, or null: its items must continue the feed from `afterSequence` without a
 * hole, at most `limit` of them, each an envelope of the feed under its own sequence that this device's
 * validator accepts (a newer central's command this version does not know is refused here, not half-applied).
 */
export function pageProblem(items: readonly FeedItem[], afterSequence: number, limit: number): string | null {
  if (items.length > limit) return `central answered ${items.length} feed items, more than the ${limit} asked for`;
  for (const [position, item] of items.entries()) {
    const expected = afterSequence + 1 + position;
    if (item.sequence !== expected) return `central's feed skipped from item ${expected - 1} to item ${item.sequence}`;
    const envelope = item.payload as { clientId?: unknown; sequence?: unknown } | null;
    if (typeof envelope !== 'object' || envelope === null || envelope.clientId !== feedClientId || envelope.sequence !== item.sequence) {
      return `feed item ${item.sequence} is not an envelope of the feed under its own sequence`;
    }
    const validated = validateEnvelope(envelope, { conflictSubject: () => null });
    if (!validated.ok) return `feed item ${item.sequence} (${item.kind}) is not a command this device can take: ${validated.error.message}; update the app`;
  }
  return null;
}
