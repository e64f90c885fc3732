// The checkers' window into a real ClinicNode: its storage and its transport, wrapped. The node is not
// changed or subclassed; what it persists, what it claims is durable and what it sends is seen on the way
// through. A wrapper belongs to one process of the device: once that process died, it reports nothing.
import type { NodeId, Snapshot } from '../../../leader-worker/src/raft/types.js';
import type { OutboxItem, OutboxStorage } from '../../../leader-worker/src/storage/outbox-storage.js';
import { StorageError, type PersistBatch, type RaftStorage, type StoredRaftState } from '../../../leader-worker/src/storage/raft-storage.js';
import type { PeerTransport, TransportEvent } from '../../../leader-worker/src/transport/peer-transport.js';

/** A write to the Raft log that was started and has not completed: a crash may or may not have let it land. */
export type RaftWrite = { readonly type: 'persist'; readonly batch: PersistBatch } | { readonly type: 'compact'; readonly snapshot: Snapshot };

export interface DeviceIoWatcher {
  /** Whether the process these wrappers belong to is still the device's current one. */
  isCurrent(): boolean;
  loaded(state: StoredRaftState): void;
  /** The batch is durable: the storage said so. */
  persisted(batch: PersistBatch): void;
  compacted(snapshot: Snapshot): void;
  outboxAdded(item: OutboxItem): void;
  outboxRemoved(items: readonly Pick<OutboxItem, 'clientId' | 'sequence'>[]): void;
  outboxListed(items: readonly OutboxItem[]): void;
  sending(to: NodeId, bytes: Uint8Array): void;
  /** Storage threw something other than a StorageError: a broken contract (the run fails with it). */
  brokenContract(error: unknown): void;
}

export class ObservedRaftStorage implements RaftStorage {
  /** The write in progress, if any (the node awaits each one before the next). */
  private inFlightWrite: RaftWrite | null = null;

  constructor(
    private readonly inner: RaftStorage,
    private readonly watcher: DeviceIoWatcher,
  ) {}

  get inFlight(): RaftWrite | null {
    return this.inFlightWrite;
  }

  async load(initial: StoredRaftState): Promise<StoredRaftState> {
    const state = await this.judged(this.inner.load(initial));
    if (this.watcher.isCurrent()) this.watcher.loaded(state);
    return state;
  }

  persist(batch: PersistBatch): Promise<void> {
    return this.write({ type: 'persist', batch }, () => this.inner.persist(batch), () => this.watcher.persisted(batch));
  }

  compact(snapshot: Snapshot): Promise<void> {
    return this.write({ type: 'compact', snapshot }, () => this.inner.compact(snapshot), () => this.watcher.compacted(snapshot));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The write stays in flight until the watcher knows it is durable, so a crash in between still counts it. */
  private async write(write: RaftWrite, perform: () => Promise<void>, durable: () => void): Promise<void> {
    this.inFlightWrite = write;
    try {
      await this.judged(perform());
    } catch (error) {
      this.inFlightWrite = null;
      throw error;
    }
    if (this.watcher.isCurrent()) durable();
    this.inFlightWrite = null;
  }

  private judged<Result>(work: Promise<Result>): Promise<Result> {
    return judge(work, this.watcher);
  }
}

export class ObservedOutboxStorage implements OutboxStorage {
  private readonly removalsInFlight = new Set<string>();
  private addsInFlight = 0;

  constructor(
    private readonly inner: OutboxStorage,
    private readonly watcher: DeviceIoWatcher,
  ) {}

  /** Keys (`client#sequence`) whose removal was started and has not completed. */
  get removingKeys(): ReadonlySet<string> {
    return this.removalsInFlight;
  }

  /** Whether an add or a removal is in progress. */
  get writing(): boolean {
    return this.addsInFlight > 0 || this.removalsInFlight.size > 0;
  }

  async add(item: OutboxItem): Promise<void> {
    this.addsInFlight++;
    try {
      await judge(this.inner.add(item), this.watcher);
      if (this.watcher.isCurrent()) this.watcher.outboxAdded(item);
    } finally {
      this.addsInFlight--;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async list(): Promise<OutboxItem[]> {
    const items = await judge(this.inner.list(), this.watcher);
    if (this.watcher.isCurrent()) this.watcher.outboxListed(items);
    return items;
  }

  async remove(items: readonly Pick<OutboxItem, 'clientId' | 'sequence'>[]): Promise<void> {
    const keys = items.map((item) => `${item.clientId}#${item.sequence}`);
    for (const key of keys) this.removalsInFlight.add(key);
    try {
      await judge(this.inner.remove(items), this.watcher);
    } finally {
      for (const key of keys) this.removalsInFlight.delete(key);
    }
    if (this.watcher.isCurrent()) this.watcher.outboxRemoved(items);
  }
}

export class ObservedTransport implements PeerTransport {
  constructor(
    private readonly inner: PeerTransport,
    private readonly watcher: DeviceIoWatcher,
  ) {}

  get localId(): NodeId {
    return this.inner.localId;
  }

  send(to: NodeId, bytes: Uint8Array): void {
    if (this.watcher.isCurrent()) this.watcher.sending(to, bytes);
    this.inner.send(to, bytes);
  }

  listen(listener: (event: TransportEvent) => void): void {
    this.inner.listen(listener);
  }

  close(): void {
    this.inner.close();
  }
}

/**
 * StorageErrors are expected (a full disk, a write cut off by a crash) and pass through. Anything else is a
 * broken contract: the watcher fails the run, and the node gets a StorageError so it stops cleanly instead
 * of leaving a rejected promise nobody handles.
 */
async function judge<Result>(work: Promise<Result>, watcher: DeviceIoWatcher): Promise<Result> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof StorageError) throw error;
    watcher.brokenContract(error);
    throw new StorageError('corrupt', `storage broke its contract: ${error instanceof Error ? error.message : String(error)}`);
  }
}
