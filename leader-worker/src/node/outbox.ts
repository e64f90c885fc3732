// The outbox: every write a clinician saves on this device, durably, in the order it was saved, until the
// state machine has applied it. It is the only way this device proposes writes, because order matters
// across writes (a visit is opened after the patient is registered, moved after it is opened): a later
// write that overtook an earlier one would be rejected for want of it, and a clinician who was told
// "saved, pending" would lose it.
//
// Order is kept by proposing ONE batch at a time, always starting at the oldest unapplied write. One
// propose call puts the batch in the leader's log as one contiguous run, so its writes apply in order. A
// batch is sent again, again from the oldest unapplied write, when the leader or term changes or it is
// overdue; any copy of an earlier batch that still lands applies nothing new (the state machine applies
// each client's sequence once), so no copy can reorder what was already applied.
import type { OutboxItem, OutboxStorage } from '../storage/outbox-storage.js';
import { identityKey, type CommandIdentity } from './replicated-state-machine.js';

export interface OutboxLimits {
  /** Writes in one batch, so a long outage does not flood the leader at once. */
  readonly proposalsPerRoundMax: number;
  /** A batch not applied within this long is sent again (the leader may have lost it). */
  readonly retryIntervalMs: number;
}

interface BatchInFlight {
  /** `${leaderId}@${term}` the batch went to: a new leader or term means it may be lost. */
  readonly leadership: string;
  readonly proposedAtMs: number;
  /** The batch's last write: once it is applied, so is the whole batch. */
  readonly lastKey: string;
}

export class Outbox {
  /** Oldest first. Invariant: savedAtMs strictly increases along it. */
  private readonly waiting: OutboxItem[] = [];
  private readonly keys = new Set<string>();
  private readonly appliedAwaitingRemoval: CommandIdentity[] = [];
  private inFlight: BatchInFlight | null = null;

  private constructor(private readonly storage: OutboxStorage, private readonly limits: OutboxLimits) {}

  static async open(storage: OutboxStorage, limits: OutboxLimits): Promise<Outbox> {
    const outbox = new Outbox(storage, limits);
    // Storage returns items in key order; the save order is what the writes depend on.
    const items = (await storage.list()).sort((a, b) => a.savedAtMs - b.savedAtMs);
    for (const item of items) outbox.remember(item);
    return outbox;
  }

  get size(): number {
    return this.waiting.length;
  }

  has(identity: CommandIdentity): boolean {
    return this.keys.has(identityKey(identity));
  }

  items(): OutboxItem[] {
    return [...this.waiting];
  }

  /**
   * The save time to stamp on the next write: the device clock, but always after the newest write still
   * waiting, so the save order survives a clock that jumps back (tablets lose their time with the battery).
   */
  nextSavedAtMs(nowMs: number): number {
    const newest = this.waiting[this.waiting.length - 1];
    return newest === undefined ? nowMs : Math.max(nowMs, newest.savedAtMs + 1);
  }

  /** Stores the write durably; resolves once it would survive a power loss (throws StorageError otherwise). */
  async add(item: OutboxItem): Promise<void> {
    if (this.keys.has(identityKey(item))) return;
    const newest = this.waiting[this.waiting.length - 1];
    if (newest !== undefined && item.savedAtMs <= newest.savedAtMs) throw new RangeError('outbox writes must be stamped with nextSavedAtMs()');
    await this.storage.add(item);
    this.remember(item);
  }

  /**
   * The next batch to propose to the leader of `leadership`, or nothing while the last batch is still in
   * flight to that same leader and not overdue. A batch starts at the oldest unapplied write and stops at
   * the first one `mayPropose` holds back, so a later write never goes out ahead of an earlier one.
   */
  takeBatch(nowMs: number, leadership: string, mayPropose: (item: OutboxItem) => boolean): OutboxItem[] {
    const inFlight = this.inFlight;
    if (inFlight !== null && inFlight.leadership === leadership && nowMs - inFlight.proposedAtMs < this.limits.retryIntervalMs) return [];
    const batch: OutboxItem[] = [];
    for (const item of this.waiting) {
      if (batch.length >= this.limits.proposalsPerRoundMax || !mayPropose(item)) break;
      batch.push(item);
    }
    const last = batch[batch.length - 1];
    this.inFlight = last === undefined ? null : { leadership, proposedAtMs: nowMs, lastKey: identityKey(last) };
    return batch;
  }

  /** The leader refused the batch outright: it may be sent again at once. */
  batchRefused(): void {
    this.inFlight = null;
  }

  /** The state machine applied `identity`: forget it here, and remove it from storage on the next flush. */
  applied(identity: CommandIdentity): void {
    const key = identityKey(identity);
    if (!this.keys.delete(key)) return;
    const position = this.waiting.findIndex((item) => identityKey(item) === key);
    this.waiting.splice(position, 1);
    this.appliedAwaitingRemoval.push(identity);
    if (this.inFlight?.lastKey === key) this.inFlight = null;
  }

  /**
   * Removes applied items from storage. If the device dies first they are proposed again after restart,
   * and the state machine applies them once: removal is tidiness, not correctness.
   */
  async flushRemovals(): Promise<void> {
    if (this.appliedAwaitingRemoval.length === 0) return;
    const removals = this.appliedAwaitingRemoval.splice(0);
    await this.storage.remove(removals);
  }

  private remember(item: OutboxItem): void {
    this.waiting.push(item);
    this.keys.add(identityKey(item));
  }
}
