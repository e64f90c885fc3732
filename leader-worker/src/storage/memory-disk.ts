// A device's disk in memory, for the simulator and tests: the same object stores and keys as the IndexedDB
// database, with the crash behaviour of a real one. A write is one transaction: it is prepared on a copy and
// committed by swapping one reference, so a crash (`crash()`) leaves each write either fully stored or not at
// all; writes still in flight when it crashes never land. Optionally the disk is "full" past a byte capacity.
import { storageError } from './storage-errors.js';
import { storeNames } from './stored-records.js';

export type MemoryStoreName = (typeof storeNames)[keyof typeof storeNames];
/** IndexedDB's key types that the device's stores use. */
export type MemoryKey = number | string | readonly (number | string)[];

interface StoredRecord {
  readonly key: MemoryKey;
  readonly value: unknown;
  readonly bytes: number;
}

/** IndexedDB key order: numbers before strings before arrays; arrays element by element. */
export function compareKeys(left: MemoryKey, right: MemoryKey): number {
  const rank = (key: MemoryKey): number => (typeof key === 'number' ? 0 : typeof key === 'string' ? 1 : 2);
  if (rank(left) !== rank(right)) return rank(left) - rank(right);
  if (typeof left === 'number' || typeof left === 'string') return left < right ? -1 : left > right ? 1 : 0;
  const rightItems = right as readonly (number | string)[];
  for (let offset = 0; offset < Math.min(left.length, rightItems.length); offset++) {
    const order = compareKeys(left[offset]!, rightItems[offset]!);
    if (order !== 0) return order;
  }
  return left.length - rightItems.length;
}

/** A rough size of a stored value, for the capacity fault: bytes of binary data, 2 per character, 8 per number. */
export function estimateBytes(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'string') return 2 * value.length;
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).reduce((total: number, item: unknown) => total + 8 + estimateBytes(item), 16);
  }
  return 8;
}

/** One object store: records sorted by key. Mutated only while it belongs to an uncommitted transaction. */
class MemoryStore {
  private constructor(private readonly records: StoredRecord[], private bytesStored: number) {}

  static empty(): MemoryStore {
    return new MemoryStore([], 0);
  }

  clone(): MemoryStore {
    return new MemoryStore([...this.records], this.bytesStored);
  }

  get bytes(): number {
    return this.bytesStored;
  }

  /** The position of the first record whose key is at least `key`. */
  private position(key: MemoryKey): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareKeys(this.records[middle]!.key, key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** A clone of the stored value, as IndexedDB hands out, or undefined. */
  get(key: MemoryKey): unknown {
    const record = this.records[this.position(key)];
    return record !== undefined && compareKeys(record.key, key) === 0 ? structuredClone(record.value) : undefined;
  }

  lastKey(): MemoryKey | undefined {
    return this.records[this.records.length - 1]?.key;
  }

  all(): { key: MemoryKey; value: unknown }[] {
    return this.records.map(({ key, value }) => ({ key, value: structuredClone(value) }));
  }

  /** Stores a clone of `value` at `key`, replacing any record there. */
  put(key: MemoryKey, value: unknown): void {
    const stored: StoredRecord = { key, value: structuredClone(value), bytes: estimateBytes(key) + estimateBytes(value) };
    const last = this.records[this.records.length - 1];
    const at = last === undefined || compareKeys(last.key, key) < 0 ? this.records.length : this.position(key);
    const replaced = this.records[at];
    if (replaced !== undefined && compareKeys(replaced.key, key) === 0) {
      this.bytesStored -= replaced.bytes;
      this.records[at] = stored;
    } else {
      this.records.splice(at, 0, stored);
    }
    this.bytesStored += stored.bytes;
  }

  /** Deletes records whose key is in [lower, upper]; an absent bound is open. */
  deleteRange(lower: MemoryKey | undefined, upper: MemoryKey | undefined): void {
    const from = lower === undefined ? 0 : this.position(lower);
    let to = from;
    while (to < this.records.length && (upper === undefined || compareKeys(this.records[to]!.key, upper) <= 0)) to++;
    for (const record of this.records.splice(from, to - from)) this.bytesStored -= record.bytes;
  }
}

type StoreImage = Readonly<Record<MemoryStoreName, MemoryStore>>;

/** What a transaction sees and changes. A store is copied on its first change, so the disk stays untouched until commit. */
export class MemoryTransaction {
  private readonly copied = new Set<MemoryStoreName>();
  private image: StoreImage;

  constructor(committed: StoreImage) {
    this.image = committed;
  }

  /** The stores as this transaction leaves them. */
  get result(): StoreImage {
    return this.image;
  }

  get(store: MemoryStoreName, key: MemoryKey): unknown {
    return this.image[store].get(key);
  }

  lastKey(store: MemoryStoreName): MemoryKey | undefined {
    return this.image[store].lastKey();
  }

  all(store: MemoryStoreName): { key: MemoryKey; value: unknown }[] {
    return this.image[store].all();
  }

  put(store: MemoryStoreName, key: MemoryKey, value: unknown): void {
    this.writable(store).put(key, value);
  }

  delete(store: MemoryStoreName, key: MemoryKey): void {
    this.writable(store).deleteRange(key, key);
  }

  deleteRange(store: MemoryStoreName, lower: MemoryKey | undefined, upper: MemoryKey | undefined): void {
    this.writable(store).deleteRange(lower, upper);
  }

  clear(store: MemoryStoreName): void {
    this.writable(store).deleteRange(undefined, undefined);
  }

  private writable(store: MemoryStoreName): MemoryStore {
    if (!this.copied.has(store)) {
      this.image = { ...this.image, [store]: this.image[store].clone() };
      this.copied.add(store);
    }
    return this.image[store];
  }
}

function bytesOf(image: StoreImage): number {
  return Object.values(image).reduce((total, store) => total + store.bytes, 0);
}

export interface MemoryDiskOptions {
  /** Writes that would grow the disk past this many (estimated) bytes fail with 'full'. Null: no limit. */
  readonly capacityBytes?: number | null;
}

export class MemoryDisk {
  /** What survives a crash. Replaced whole by each committed write: the commit point. */
  private image: StoreImage = {
    hardState: MemoryStore.empty(),
    snapshot: MemoryStore.empty(),
    entries: MemoryStore.empty(),
    outbox: MemoryStore.empty(),
    reserve: MemoryStore.empty(),
  };
  /** Bumped by every crash; a view of an older generation is dead. */
  private generationCurrent = 0;
  private capacityBytes: number | null;

  constructor(options: MemoryDiskOptions = {}) {
    this.capacityBytes = options.capacityBytes ?? null;
  }

  get generation(): number {
    return this.generationCurrent;
  }

  /** The device lost power: every view opened before is dead and its unfinished writes never land. */
  crash(): void {
    this.generationCurrent++;
  }

  setCapacityBytes(capacityBytes: number | null): void {
    this.capacityBytes = capacityBytes;
  }

  /** Estimated bytes stored, as the capacity fault counts them. */
  usedBytes(): number {
    return bytesOf(this.image);
  }

  /**
   * One transaction for a view of `generation`. It runs after the caller's turn (the write is "in flight"
   * until then, so a crash in between means it never happened), then commits all of it or nothing.
   */
  async transact<Result>(generation: number, action: string, work: (transaction: MemoryTransaction) => Result): Promise<Result> {
    await Promise.resolve();
    if (generation !== this.generationCurrent) throw storageError('unavailable', `${action} failed: the device restarted before it was stored`);
    const transaction = new MemoryTransaction(this.image);
    const result = work(transaction);
    const bytesAfter = bytesOf(transaction.result);
    // Like a real quota, a write that frees space is allowed even on a disk over capacity.
    if (this.capacityBytes !== null && bytesAfter > this.capacityBytes && bytesAfter > this.usedBytes()) {
      throw storageError('full', `${action} failed: QuotaExceededError: ${bytesAfter} bytes exceed the capacity of ${this.capacityBytes}`);
    }
    this.image = transaction.result;
    return result;
  }

  /** Writes a record with no check at all, as a damaged disk or a buggy old version would have. For fault tests. */
  writeRecord(store: MemoryStoreName, key: MemoryKey, value: unknown): void {
    const transaction = new MemoryTransaction(this.image);
    transaction.put(store, key, value);
    this.image = transaction.result;
  }

  /** Deletes a record with no check at all. For fault tests. */
  deleteRecord(store: MemoryStoreName, key: MemoryKey): void {
    const transaction = new MemoryTransaction(this.image);
    transaction.delete(store, key);
    this.image = transaction.result;
  }
}
