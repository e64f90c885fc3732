// A whole clinic of ClinicNodes for driver tests: in-memory network, memory disks with crash semantics,
// virtual time. Each device keeps its disk across restarts, as a tablet keeps its IndexedDB.
import { ClinicNode, type ClinicNodeOptions } from '../../src/node/clinic-node.js';
import type { StateMachineFactory } from '../../src/node/replicated-state-machine.js';
import { bootstrapState } from '../../src/raft/raft.js';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import type { NodeId } from '../../src/raft/types.js';
import { MemoryDisk } from '../../src/storage/memory-disk.js';
import { MemoryOutboxStorage } from '../../src/storage/memory-outbox-storage.js';
import { MemoryRaftStorage } from '../../src/storage/memory-raft-storage.js';
import { MemoryStateCache } from '../../src/storage/memory-state-cache.js';
import { MemoryStorageReserve } from '../../src/storage/memory-storage-reserve.js';
import { InMemoryNetwork } from '../../src/transport/in-memory-network.js';
import { ManualScheduler } from './manual-scheduler.js';

interface Device<Result> {
  node: ClinicNode<Result>;
  readonly disk: MemoryDisk;
  readonly stateCache: MemoryStateCache;
}

export class ClinicHarness<Result> {
  readonly scheduler = new ManualScheduler();
  readonly network = new InMemoryNetwork();
  readonly devices = new Map<NodeId, Device<Result>>();
  private readonly random = new SeededRandom(7);

  constructor(
    readonly ids: readonly NodeId[],
    private readonly stateMachines: StateMachineFactory<Result>,
    private readonly extraOptions: Partial<ClinicNodeOptions<Result>> = {},
    /** Each device keeps a storage reserve of this size on its disk; null: none. */
    private readonly storageReserveBytes: number | null = null,
  ) {}

  async start(): Promise<void> {
    for (const id of this.ids) {
      const disk = new MemoryDisk();
      const stateCache = new MemoryStateCache();
      this.devices.set(id, { node: await this.startNode(id, disk, stateCache), disk, stateCache });
    }
  }

  node(id: NodeId): ClinicNode<Result> {
    const device = this.devices.get(id);
    if (device === undefined) throw new Error(`no device ${id}`);
    return device.node;
  }

  disk(id: NodeId): MemoryDisk {
    return this.devices.get(id)!.disk;
  }

  /** Advances virtual time until some device leads and every device knows it (or fails the test). */
  async electLeader(timeoutMs = 10_000): Promise<NodeId> {
    for (let elapsed = 0; elapsed < timeoutMs; elapsed += 100) {
      await this.scheduler.advance(100);
      const leaders = [...this.devices.values()].map((device) => device.node.status().leaderId);
      const leader = leaders[0];
      if (leader !== null && leader !== undefined && leaders.every((id) => id === leader)) return leader;
    }
    throw new Error('no leader was elected');
  }

  /** Cuts a device off from every other (its LAN link is down). */
  isolate(id: NodeId): void {
    for (const other of this.ids) if (other !== id) this.network.cutBetween(id, other);
  }

  heal(): void {
    for (const a of this.ids) for (const b of this.ids) if (a !== b) this.network.healBetween(a, b);
  }

  /** The device loses power: volatile state is gone, its disk keeps what was durably written. */
  async crashAndRestart(id: NodeId): Promise<ClinicNode<Result>> {
    const device = this.devices.get(id)!;
    this.network.crash(id);
    device.disk.crash();
    // The old process is gone: its timers must not fire again. Its writes in flight can no longer land.
    void device.node.stop().catch(() => undefined);
    device.node = await this.startNode(id, device.disk, device.stateCache);
    return device.node;
  }

  private startNode(id: NodeId, disk: MemoryDisk, stateCache: MemoryStateCache): Promise<ClinicNode<Result>> {
    return ClinicNode.start({
      id,
      raftStorage: new MemoryRaftStorage(disk),
      outboxStorage: new MemoryOutboxStorage(disk),
      stateCache,
      storageReserve: this.storageReserveBytes === null ? null : new MemoryStorageReserve(disk, this.storageReserveBytes),
      transport: this.network.connect(id),
      stateMachines: this.stateMachines,
      scheduler: this.scheduler,
      random: this.random.fork(),
      initialState: bootstrapState({ voters: [...this.ids], learners: [] }),
      ...this.extraOptions,
    });
  }
}
