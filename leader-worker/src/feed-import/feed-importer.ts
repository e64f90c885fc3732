// The feed import's I/O edge: it carries out what FeedImportDecisions asks (read central's feed, propose an
// item into the clinic log) through the node's narrow view and a CentralClient, and wakes the decisions when the
// node changes, an answer arrives or a retry falls due. Beside the node like the uplink: the node never waits for it.
import type { RandomSource, Role } from '../raft/types.js';
import type { Scheduler } from '../node/scheduler.js';
import type { CentralClient } from '../uplink/central-client.js';
import type { FeedItem } from '../uplink/central-protocol.js';
import { HorizonCount, type HorizonStatus } from './horizon-count.js';
import { defaultFeedImportSettings, FeedImportDecisions, type FeedImportSettings, type FeedProposalOutcome } from './feed-import-decisions.js';

/** The node as the feed import sees it. */
export interface FeedImportNodeView {
  status(): { readonly role: Role; readonly term: number };
  /** Every feed item up to this sequence has an outcome in the clinic log, as applied here. */
  feedDecidedThrough(): number;
  /** Called after every change of the node (role, term, applied); returns how to stop listening. */
  onChange(listener: () => void): () => void;
  /** Proposes consecutive feed items' envelopes as they are, as consecutive entries; never rejects. */
  proposeFeedItems(payloads: readonly FeedItem['payload'][]): Promise<FeedProposalOutcome>;
}

/** What the status panel and ops read off the feed import. */
export interface FeedImportStatus {
  /** The highest feed item the clinic log has decided. */
  readonly decidedThrough: number;
  /** Items read from central and not yet decided (null: not the leader). */
  readonly waiting: number | null;
  readonly refusal: { readonly status: number; readonly message: string } | null;
  /** An item this device cannot take (a newer central's command), or a broken page: the import stopped. */
  readonly stuck: string | null;
  /**
   * The sync horizon's download: "3,200 of 10,000 patients" are on every device, counted as of what the clinic
   * log has decided (horizon-count.ts). Null before central reported one (or not the leader since start).
   */
  readonly horizon: HorizonStatus | null;
}

export class FeedImporter {
  private readonly decisions: FeedImportDecisions;
  private stopListening: (() => void) | null = null;
  private cancelRetry: () => void = () => undefined;
  private stopped = false;
  /** Ends the reads in flight, so a device that stopped, or stopped leading, leaves no long-poll waiting at central. */
  private readonly readsInFlight = new Set<AbortController>();
  /** wake() is running: a change it causes (a proposal's status event) is handled by its loop, not by a second wake. */
  private waking = false;
  private wakeAgain = false;
  private readonly horizon = new HorizonCount();

  constructor(
    private readonly node: FeedImportNodeView,
    private readonly central: CentralClient,
    private readonly scheduler: Scheduler,
    random: RandomSource,
    settings: FeedImportSettings = defaultFeedImportSettings,
  ) {
    this.decisions = new FeedImportDecisions(random, settings);
  }

  start(): void {
    this.stopListening = this.node.onChange(() => this.wake());
    this.wake();
  }

  /** Stops asking; a read in flight is abandoned, and its answer ignored. */
  stop(): void {
    this.stopped = true;
    this.stopListening?.();
    this.cancelRetry();
    this.abandonReads();
  }

  status(): FeedImportStatus {
    const decidedThrough = this.node.feedDecidedThrough();
    return {
      decidedThrough, waiting: this.decisions.waiting, refusal: this.decisions.refusal, stuck: this.decisions.stuck, horizon: this.horizon.at(decidedThrough),
    };
  }

  private wake(): void {
    if (this.waking) {
      this.wakeAgain = true;
      return;
    }
    this.waking = true;
    try {
      do {
        this.wakeAgain = false;
        this.decideAndAct();
      } while (this.wakeAgain && !this.stopped);
    } finally {
      this.waking = false;
    }
  }

  private decideAndAct(): void {
    if (this.stopped) return;
    const { role, term } = this.node.status();
    if (role !== 'leader') this.abandonReads();
    this.decisions.observe({ leaderTerm: role === 'leader' ? term : null, decidedThrough: this.node.feedDecidedThrough() });
    for (;;) {
      const action = this.decisions.next(this.scheduler.nowMs());
      switch (action.type) {
        case 'wait':
          this.cancelRetry();
          if (action.untilMs !== null) this.cancelRetry = this.scheduler.after(Math.max(0, action.untilMs - this.scheduler.nowMs()), () => this.wake());
          return;
        case 'read':
          this.read(term, action.afterSequence, action.limit, action.waitMs);
          break;
        case 'propose':
          this.propose(term, action.items);
          break;
      }
    }
  }

  private abandonReads(): void {
    for (const read of this.readsInFlight) read.abort();
    this.readsInFlight.clear();
  }

  private read(term: number, afterSequence: number, limit: number, waitMs: number): void {
    const readId = this.decisions.readStarted(afterSequence, limit);
    const abandon = new AbortController();
    this.readsInFlight.add(abandon);
    void this.central.readFeed({ afterSequence, limit, waitMs }, abandon.signal).then((answer) => {
      this.readsInFlight.delete(abandon);
      if (this.stopped) return;
      const newest = this.decisions.readAnswered(readId, answer, term, this.scheduler.nowMs());
      if (newest && answer.type === 'items' && answer.horizon !== undefined) this.horizon.reported(answer.horizon, afterSequence, answer.items.at(-1)?.sequence ?? afterSequence);
      this.wake();
    });
  }

  private propose(term: number, items: readonly FeedItem[]): void {
    const firstSequence = items[0]!.sequence;
    this.decisions.proposalStarted(firstSequence, items.length);
    void this.node.proposeFeedItems(items.map((item) => item.payload)).then((outcome) => {
      if (this.stopped) return;
      this.decisions.proposalAnswered(firstSequence, outcome, term, this.scheduler.nowMs());
      this.wake();
    });
  }
}
