// The outbox's working set: the durable items mirrored in memory, and when each was last proposed. A write
// enters when the device could not reach a leader with a quorum in time, is re-proposed in order once one
// is back, and leaves when the state machine has applied it (whichever copy got there first).
import type { OutboxItem, OutboxStorage } from '../storage/outbox-storage.js';
import { identityKey, type CommandIdentity } from './replicated-state-machine.js';

export interface OutboxLimits {
  /** Items re-proposed in one round, so a long outage does not flood the leader at once. */
  readonly proposalsPerRoundMax: number;
  /** An item proposed but not applied within this long is proposed again (the leader may have lost it). */
  readonly retryIntervalMs: number;
}

interface Waiting {
  readonly item: OutboxItem;
  lastProposedAtMs: number | null;
}

export class Outbox {
  /** In insertion order, which is the order the clinician saved them. */
  private readonly waiting = new Map<string, Waiting>();
  private readonly appliedAwaitingRemoval: CommandIdentity[] = [];

  private constructor(private readonly storage: OutboxStorage, private readonly limits: OutboxLimits) {}

  static async open(storage: OutboxStorage, limits: OutboxLimits): Promise<Outbox> {
    const outbox = new Outbox(storage, limits);
    for (const item of await storage.list()) outbox.waiting.set(identityKey(item), { item, lastProposedAtMs: null });
    return outbox;
  }

  get size(): number {
    return this.waiting.size;
  }

  has(identity: CommandIdentity): boolean {
    return this.waiting.has(identityKey(identity));
  }

  items(): OutboxItem[] {
    return [...this.waiting.values()].map((waiting) => waiting.item);
  }

  /** Stores the item durably; resolves once it would survive a power loss (throws StorageError otherwise). */
  async add(item: OutboxItem): Promise<void> {
    const key = identityKey(item);
    if (this.waiting.has(key)) return;
    await this.storage.add(item);
    this.waiting.set(key, { item, lastProposedAtMs: null });
  }

  /**
   * The items due for (re-)proposal now, oldest first, at most proposalsPerRoundMax, and only those
   * `mayPropose` allows; marks them proposed.
   */
  takeDue(nowMs: number, mayPropose: (item: OutboxItem) => boolean): OutboxItem[] {
    const due: OutboxItem[] = [];
    for (const waiting of this.waiting.values()) {
      if (due.length >= this.limits.proposalsPerRoundMax) break;
      if (!mayPropose(waiting.item)) continue;
      if (waiting.lastProposedAtMs !== null && nowMs - waiting.lastProposedAtMs < this.limits.retryIntervalMs) continue;
      waiting.lastProposedAtMs = nowMs;
      due.push(waiting.item);
    }
    return due;
  }

  /** The state machine applied `identity`: forget it here, and remove it from storage on the next flush. */
  applied(identity: CommandIdentity): void {
    if (this.waiting.delete(identityKey(identity))) this.appliedAwaitingRemoval.push(identity);
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
}
