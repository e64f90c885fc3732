// One clinic's downstream feed at the simulated central: items appended in sequence order under a subject
// (a producer's retry adds nothing; the same subject with another command is refused, as the real API
// does), pages after a sequence, and long-polls that wait on central's clock for the next item.
import type { EnvelopeBuilder } from '../../../../leader-worker/src/chart/index.js';
import type { FeedItem, FeedItemKind } from '../../../../leader-worker/src/uplink/central-protocol.js';
import { encodeFeedCursor } from '../../../../central-api/src/feed/feed-cursor.js';
import type { CentralTimer } from './central-timer.js';

export type FeedAppendOutcome =
  | { readonly kind: 'appended' | 'already-appended'; readonly item: FeedItem }
  | { readonly kind: 'subject-conflict' }
  | { readonly kind: 'invalid'; readonly message: string };

interface WaitingPoll {
  readonly afterSequence: number;
  readonly limit: number;
  readonly answer: (items: readonly FeedItem[]) => void;
  readonly cancelTimer: () => void;
}

export class CentralFeed {
  private readonly items: FeedItem[] = [];
  /** `${kind}/${subjectId}` -> the item and its command, serialized (what a retry is compared with). */
  private readonly subjects = new Map<string, { readonly item: FeedItem; readonly command: string }>();
  private waiting: WaitingPoll[] = [];

  constructor(
    private readonly clinicId: string,
    private readonly timer: CentralTimer,
  ) {}

  get lastSequence(): number {
    return this.items.length;
  }

  append(kind: FeedItemKind, subjectId: string, build: EnvelopeBuilder): FeedAppendOutcome {
    const nowMs = this.timer.nowMs();
    const envelope = build(this.items.length + 1, nowMs);
    if (!envelope.ok) return { kind: 'invalid', message: envelope.error.message };
    // One builder makes every command of a kind, so equal commands serialize alike (PostgreSQL compares jsonb).
    const command = JSON.stringify(envelope.value.command);
    const previous = this.subjects.get(`${kind}/${subjectId}`);
    if (previous !== undefined) return previous.command === command ? { kind: 'already-appended', item: previous.item } : { kind: 'subject-conflict' };
    const sequence = this.items.length + 1;
    const item: FeedItem = { cursor: encodeFeedCursor(this.clinicId, sequence), sequence, kind, payload: envelope.value, createdAt: new Date(nowMs).toISOString() };
    this.items.push(item);
    this.subjects.set(`${kind}/${subjectId}`, { item, command });
    this.wakePolls();
    return { kind: 'appended', item };
  }

  /** Items after `afterSequence` (at most `limit`); with `waitMs`, an empty page waits up to then for one. */
  page(afterSequence: number, limit: number, waitMs: number, answer: (items: readonly FeedItem[]) => void): void {
    const items = this.after(afterSequence, limit);
    if (items.length > 0 || waitMs === 0) return answer(items);
    const poll: WaitingPoll = {
      afterSequence, limit, answer,
      cancelTimer: this.timer.after(waitMs, () => {
        this.waiting = this.waiting.filter((other) => other !== poll);
        answer([]);
      }),
    };
    this.waiting.push(poll);
  }

  itemAt(sequence: number): FeedItem | undefined {
    return this.items[sequence - 1];
  }

  private after(afterSequence: number, limit: number): FeedItem[] {
    return this.items.slice(afterSequence, afterSequence + limit);
  }

  private wakePolls(): void {
    const woken = this.waiting;
    this.waiting = [];
    for (const poll of woken) {
      poll.cancelTimer();
      poll.answer(this.after(poll.afterSequence, poll.limit));
    }
  }
}
