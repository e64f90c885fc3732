// What the leader's feed import does next: read central's feed for this clinic (long-polling once it has caught
// up) and propose each item into the clinic log, in order, so every device of the clinic gets it. Pure (no I/O,
// no clock: `nowMs` is passed in, the randomness injected):
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
   * Items asked for per read. As many as central serves: at the tip a long-poll answers with what there is
   * anyway, and a download (a sync horizon's thousands of items) pays a round trip per page, 300 ms on 3G.
   */
  readonly pageItems: number;
  /**
   * Items proposed and not yet answered by the node: enough to keep the log busy during a download, few
   * enough (about 60 KB of entries) that a clinician's write still commits within the next round.
   */
  readonly proposalsInFlightMax: number;
  /**
   * Items read and held here before they are decided: the next page arrives while these are proposed, and
   * memory stays bounded (a few MB) when the log is slower than the feed.
   */
  readonly bufferedItemsMax: number;
}

export const defaultFeedImportSettings: FeedImportSettings = {
  backoff: defaultRetryBackoff,
  longPollWaitMs: 20_000,
  pageItems: centralFeedLimits.pageItemsMax,
  proposalsInFlightMax: 128,
  bufferedItemsMax: 2 * centralFeedLimits.pageItemsMax,
};

/** How a read of the feed ended. */
export type FeedAnswer =
  | { readonly type: 'items'; readonly items: readonly FeedItem[]; readonly horizon?: HorizonProgress }
  /** No answer, a timeout, 5xx, 429 or 503: try again later (not before `retryAfterMs` when given). */
  | { readonly type: 'unavailable'; readonly retryAfterMs?: number }
  /** Any other 4xx: only ops can mend it. */
  | { readonly type: 'refused'; readonly status: number; readonly message: string };

/** How the node answered a proposed item. */
export type FeedProposalOutcome =
  /** Applied (or refused by the state machine), or stored durably to be applied: the log will decide it. */
  | 'taken'
  /** Not stored (no room, the node stopping, not the leader any more): propose it again later. */
  | 'notTaken';

export type FeedImportAction =
  | { readonly type: 'read'; readonly afterSequence: number; readonly limit: number; readonly waitMs: number }
  | { readonly type: 'propose'; readonly item: FeedItem }
  /** Nothing until `untilMs` (a retry), or until the view changes or an answer arrives (`untilMs` null). */
  | { readonly type: 'wait'; readonly untilMs: number | null };

export class FeedImportDecisions {
  private view: FeedImportView = { leaderTerm: null, decidedThrough: 0 };
  /** Items read in this term, contiguous and ascending, every one past `decidedThrough`. */
  private buffered: FeedItem[] = [];
  /** The highest sequence proposed in this term (at least decidedThrough once leading). */
  private proposedThrough = 0;
  private proposalsInFlight = 0;
  /** The read in flight: the sequence it asked after, or null. */
  private readingAfter: number | null = null;
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
    assert(settings.bufferedItemsMax >= settings.pageItems, 'room for at least one page');
  }

  /** The node changed: a new role or term, feed items decided. */
  observe(view: FeedImportView): void {
    if (view.leaderTerm !== this.view.leaderTerm) {
      // A new term, or no longer leading: what was read and proposed belongs to the term that did it.
      this.buffered = [];
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
    if (this.readingAfter !== null) return this.waitForProposalRetry(nowMs, null);
    if (nowMs < this.readRetryAtMs) return this.waitForProposalRetry(nowMs, this.readRetryAtMs);
    const room = this.settings.bufferedItemsMax - this.buffered.length;
    if (room <= 0) return this.waitForProposalRetry(nowMs, null);
    return { type: 'read', afterSequence: this.readFrom(), limit: Math.min(this.settings.pageItems, room), waitMs: this.caughtUp ? this.settings.longPollWaitMs : 0 };
  }

  /** The driver sent the read next() asked for. */
  readStarted(afterSequence: number): void {
    assert(this.readingAfter === null, 'one read of the feed at a time');
    this.readingAfter = afterSequence;
  }

  /** The read ended. `term` is the term it was started in: an answer from another term only frees the slot. */
  readAnswered(answer: FeedAnswer, term: number, limit: number, nowMs: number): void {
    assert(this.readingAfter !== null, 'an answer with no read in flight');
    const afterSequence = this.readingAfter;
    this.readingAfter = null;
    if (term !== this.view.leaderTerm) return;
    switch (answer.type) {
      case 'items': {
        const problem = pageProblem(answer.items, afterSequence, limit);
        if (problem !== null) {
          this.stuckReason = problem;
          return;
        }
        this.readFailuresInARow = 0;
        this.readRetryAtMs = 0;
        this.lastRefusal = null;
        this.caughtUp = answer.items.length < limit;
        // Items decided or already held while the read was out are not held twice.
        const firstWanted = this.readFrom() + 1;
        for (const item of answer.items) if (item.sequence >= firstWanted) this.buffered.push(item);
        return;
      }
      case 'unavailable':
        this.readFailed(nowMs, answer.retryAfterMs ?? 0);
        return;
      case 'refused':
        this.lastRefusal = { status: answer.status, message: answer.message };
        this.readFailed(nowMs, this.settings.backoff.delayMsMax);
        return;
    }
  }

  /** The driver proposed the item next() asked for. */
  proposalStarted(sequence: number): void {
    assert(sequence === this.proposedThrough + 1, 'items are proposed in order');
    this.proposedThrough = sequence;
    this.proposalsInFlight++;
  }

  /** The node answered a proposal made in `term`. */
  proposalAnswered(sequence: number, outcome: FeedProposalOutcome, term: number, nowMs: number): void {
    if (term !== this.view.leaderTerm) return;
    assert(this.proposalsInFlight > 0, 'an answer with no proposal in flight');
    this.proposalsInFlight--;
    if (outcome === 'taken') {
      this.proposeFailuresInARow = 0;
      return;
    }
    // Proposed again from here (what followed it too: a copy that was taken applies once).
    this.proposedThrough = Math.max(this.view.decidedThrough, Math.min(this.proposedThrough, sequence - 1));
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
    const sequence = this.proposedThrough + 1;
    const first = this.buffered[0];
    if (first === undefined || sequence < first.sequence) return null;
    const item = this.buffered[sequence - first.sequence];
    if (item === undefined || !feedItemMayBeProposed(sequence, this.view.decidedThrough + 1)) return null;
    return { type: 'propose', item };
  }

  /** A wait that also wakes for a proposal held back by a failure. */
  private waitForProposalRetry(nowMs: number, untilMs: number | null): FeedImportAction {
    const proposalRetry = nowMs < this.proposeRetryAtMs && this.buffered.length > 0 ? this.proposeRetryAtMs : null;
    if (proposalRetry === null) return { type: 'wait', untilMs };
    return { type: 'wait', untilMs: untilMs === null ? proposalRetry : Math.min(untilMs, proposalRetry) };
  }

  /** The sequence after which the next read asks: past what is decided and what is held. */
  private readFrom(): number {
    return Math.max(this.view.decidedThrough, this.buffered.at(-1)?.sequence ?? 0);
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
