// The clinic-day judge must be able to fail. Each broken device here keeps the real ClinicNode but gives it
// storage with one classic durability bug, injected through the storage factory (nothing broken lives in
// leader-worker): an outbox that forgets on a crash, an outbox and a Raft log that say "stored" before they
// have stored. Others break what the device runs on, through its wiring: a Wi-Fi that stops carrying
// anything while every link looks up, page timers throttled to once a second, a transport that sits on every
// message. The run must end in a violation within a few seeds.
import type { NodeId, Snapshot } from '../../leader-worker/src/raft/types.js';
import type { MemoryDisk } from '../../leader-worker/src/storage/memory-disk.js';
import { MemoryOutboxStorage } from '../../leader-worker/src/storage/memory-outbox-storage.js';
import { MemoryRaftStorage } from '../../leader-worker/src/storage/memory-raft-storage.js';
import type { OutboxItem, OutboxStorage } from '../../leader-worker/src/storage/outbox-storage.js';
import type { PersistBatch, RaftStorage, StoredRaftState } from '../../leader-worker/src/storage/raft-storage.js';
import type { PeerTransport, TransportEvent } from '../../leader-worker/src/transport/peer-transport.js';
import type { EventQueue } from '../src/engine/event-queue.js';
import { DeviceClock } from '../src/clinic-day/device-clock.js';
import { realDeviceWiring, type DeviceWiring } from '../src/clinic-day/device-wiring.js';
import type { Violation } from '../src/engine/violation.js';
import { memoryDeviceStorage, type DeviceStorageFactory } from '../src/clinic-day/device-factory.js';
import { findClinicFaultProfile, type ClinicFaultProfile } from '../src/clinic-day/fault-profiles.js';
import { clinicDayTimings, defaultClinicDaySettings, type ClinicDaySettings } from '../src/clinic-day/settings.js';
import { runClinicDay } from '../src/clinic-day/simulation.js';

/** Keeps its items in memory only: a restarted device reads an empty outbox. */
class ForgetfulOutbox implements OutboxStorage {
  private readonly items = new Map<string, OutboxItem>();

  async add(item: OutboxItem): Promise<void> {
    this.items.set(`${item.clientId}#${item.sequence}`, item);
  }

  async list(): Promise<OutboxItem[]> {
    return [...this.items.values()];
  }

  async remove(items: readonly Pick<OutboxItem, 'clientId' | 'sequence'>[]): Promise<void> {
    for (const item of items) this.items.delete(`${item.clientId}#${item.sequence}`);
  }

  async close(): Promise<void> {}
}

/** Answers "stored" at once and writes the item only when the next one comes (a write-behind buffer). */
class WriteBehindOutbox implements OutboxStorage {
  private buffered: OutboxItem | null = null;

  constructor(private readonly inner: OutboxStorage) {}

  async add(item: OutboxItem): Promise<void> {
    const previous = this.buffered;
    this.buffered = item;
    if (previous !== null) await this.inner.add(previous);
  }

  list(): Promise<OutboxItem[]> {
    return this.inner.list();
  }

  remove(items: readonly Pick<OutboxItem, 'clientId' | 'sequence'>[]): Promise<void> {
    return this.inner.remove(items);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The Raft log's version of the same bug: a batch is written only when the next one comes. */
class WriteBehindRaftLog implements RaftStorage {
  private buffered: PersistBatch | null = null;

  constructor(private readonly inner: RaftStorage) {}

  load(initial: StoredRaftState): Promise<StoredRaftState> {
    return this.inner.load(initial);
  }

  async persist(batch: PersistBatch): Promise<void> {
    const previous = this.buffered;
    this.buffered = batch;
    if (previous !== null) await this.inner.persist(previous);
  }

  async compact(snapshot: Snapshot): Promise<void> {
    await this.flush();
    await this.inner.compact(snapshot);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async flush(): Promise<void> {
    const previous = this.buffered;
    this.buffered = null;
    if (previous !== null) await this.inner.persist(previous);
  }
}

/** Sends through the clinic network until `hangsAtMs`, then nothing: the router hangs while every link still looks up. */
class HangingWifi implements PeerTransport {
  constructor(
    private readonly inner: PeerTransport,
    private readonly queue: EventQueue,
    private readonly hangsAtMs: number,
  ) {}

  get localId(): NodeId {
    return this.inner.localId;
  }

  send(to: NodeId, bytes: Uint8Array): void {
    if (this.queue.nowMs < this.hangsAtMs) this.inner.send(to, bytes);
  }

  listen(listener: (event: TransportEvent) => void): void {
    this.inner.listen(listener);
  }

  close(): void {
    this.inner.close();
  }
}

/** Holds every message 100 ms before sending it, as a transport that flushes on a timer would. */
class DawdlingTransport implements PeerTransport {
  constructor(
    private readonly inner: PeerTransport,
    private readonly queue: EventQueue,
  ) {}

  get localId(): NodeId {
    return this.inner.localId;
  }

  send(to: NodeId, bytes: Uint8Array): void {
    this.queue.scheduleAfter(100, () => this.inner.send(to, bytes));
  }

  listen(listener: (event: TransportEvent) => void): void {
    this.inner.listen(listener);
  }

  close(): void {
    this.inner.close();
  }
}

/** The node ticking on a page timer that Chrome throttles to once a second, instead of in a Worker. */
class ThrottledPageTimers extends DeviceClock {
  override every(intervalMs: number, callback: () => void): () => void {
    return super.every(Math.max(intervalMs, 1_000), callback);
  }
}

const hangingWifi: DeviceWiring = { ...realDeviceWiring, transport: (connection, _deviceId, queue) => new HangingWifi(connection, queue, 60_000) };
const dawdlingTransport: DeviceWiring = { ...realDeviceWiring, transport: (connection, _deviceId, queue) => new DawdlingTransport(connection, queue) };
const throttledTimers: DeviceWiring = { ...realDeviceWiring, clock: (queue, jitterMs, fired) => new ThrottledPageTimers(queue, jitterMs, fired) };

const forgetfulOutbox: DeviceStorageFactory = (disk: MemoryDisk) => ({ ...memoryDeviceStorage(disk), outboxStorage: new ForgetfulOutbox() });
const writeBehindOutbox: DeviceStorageFactory = (disk) => ({ ...memoryDeviceStorage(disk), outboxStorage: new WriteBehindOutbox(new MemoryOutboxStorage(disk)) });
const writeBehindRaftLog: DeviceStorageFactory = (disk) => ({ ...memoryDeviceStorage(disk), raftStorage: new WriteBehindRaftLog(new MemoryRaftStorage(disk)) });

/** Heavy faults with the router down more often and batteries dying right after saves: pending writes meet crashes. */
const crashAfterPending: ClinicFaultProfile = {
  ...findClinicFaultProfile('heavy')!,
  name: 'crash-after-pending',
  lanOutageProbability: 0.05,
  crashAfterAcknowledgementProbability: 0.3,
};

const shortSession: ClinicDaySettings = { ...defaultClinicDaySettings, timings: { ...clinicDayTimings, sessionMs: 5 * 60_000 } };

/** The first seed in 1..seedsMax whose violation is one of `expected`, or null. */
async function firstCaught(
  storageFactory: DeviceStorageFactory, seedsMax: number, expected: readonly string[], profile = crashAfterPending,
): Promise<{ seed: number; violation: Violation } | null> {
  for (let seed = 1; seed <= seedsMax; seed++) {
    const result = await runClinicDay({ seed, deviceCount: 5, profile, trace: false, settings: shortSession, storageFactory });
    if (result.violation !== null && expected.includes(result.violation.invariant)) return { seed, violation: result.violation };
  }
  return null;
}

/** The first seed in 1..seedsMax whose run with `wiring` breaks `expected`, or null. */
async function firstCaughtWired(wiring: DeviceWiring, profile: string, seedsMax: number, expected: string): Promise<{ seed: number; violation: Violation } | null> {
  for (let seed = 1; seed <= seedsMax; seed++) {
    const result = await runClinicDay({ seed, deviceCount: 5, profile: findClinicFaultProfile(profile)!, trace: false, settings: shortSession, wiring });
    if (result.violation?.invariant === expected) return { seed, violation: result.violation };
  }
  return null;
}

/** What losing an acknowledged write looks like from outside the storage: the end-to-end checks. */
const lossInvariants = ['acknowledged-lost', 'write-missing', 'visit-unfinished', 'liveness-closing'];

/** A clinic session takes seconds of real time; jasmine's default of 5 s is for unit tests. */
const timeoutMs = 120_000;

describe('clinic-day: broken devices are caught', () => {
  it('catches an outbox that forgets its pending writes when the device restarts', async () => {
    const caught = await firstCaught(forgetfulOutbox, 5, ['outbox-item-lost', ...lossInvariants]);
    expect(caught).not.toBeNull();
  }, timeoutMs);

  it('catches an outbox that answers "pending" before the write is stored, once a crash follows', async () => {
    const caught = await firstCaught(writeBehindOutbox, 5, ['outbox-item-lost', ...lossInvariants]);
    expect(caught).not.toBeNull();
  }, timeoutMs);

  it('catches a Raft log that says a batch is durable before it is', async () => {
    const caught = await firstCaught(writeBehindRaftLog, 3, ['durable-write-lost', 'persist-before-send', 'double-vote', 'election-safety',
      'log-matching', 'committed-entry-changed', 'leader-completeness', 'state-divergence', ...lossInvariants], findClinicFaultProfile('heavy')!);
    expect(caught).not.toBeNull();
  }, timeoutMs);

  it('catches a healthy leader deposed: the Wi-Fi stops carrying anything while every link looks up', async () => {
    expect(await firstCaughtWired(hangingWifi, 'none', 2, 'leader-deposed')).not.toBeNull();
  }, timeoutMs);

  it('catches a cut-off leader that steps down too late: its ticks come from a throttled page timer', async () => {
    expect(await firstCaughtWired(throttledTimers, 'heavy', 3, 'leader-not-stepping-down')).not.toBeNull();
  }, timeoutMs);

  it('catches saves answered far slower than a healthy clinic allows: a transport that sits on every message', async () => {
    const caught = await firstCaughtWired(dawdlingTransport, 'none', 1, 'figure-bound');
    expect(caught?.violation.message).toContain('acknowledgeLatencyHealthyMs p50');
  }, timeoutMs);

  it('does not flag the real storage on the same runs', async () => {
    expect(await firstCaught(memoryDeviceStorage, 3,
      ['outbox-item-lost', 'durable-write-lost', ...lossInvariants])).toBeNull();
  }, timeoutMs);
});
