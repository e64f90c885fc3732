// The node's use of the storage reserve (storage/storage-reserve.ts): every write goes through withReserve,
// which spends the reserve once when the disk is full and tries the write again in the space it gave back;
// the reserve is taken again once there is room, checked every reserveRetryIntervalMs.
import { StorageError } from '../storage/raft-storage.js';
import type { StorageReserve } from '../storage/storage-reserve.js';
import type { Scheduler } from './scheduler.js';

export class StorageReserveKeeper {
  /** Bumped each time the reserve is released: a write that failed before it may try again in that space. */
  private releases = 0;
  private spent = false;
  private retryAtMs = Number.POSITIVE_INFINITY;

  /** `reserve` null: the device keeps none, and a full disk fails writes at once. */
  constructor(
    private readonly reserve: StorageReserve | null,
    private readonly scheduler: Scheduler,
    private readonly retryIntervalMs: number,
  ) {}

  /** The disk filled and the reserve was spent (or could not be taken): the clinic should free space here. */
  get storageLow(): boolean {
    return this.spent;
  }

  /** Whether it is time to try taking the reserve again. */
  retryDue(): boolean {
    return this.scheduler.nowMs() >= this.retryAtMs;
  }

  /**
   * Runs a storage write; if it fails for lack of space, releases the reserve and tries once more in the space
   * that gave back (also when another write released it meanwhile). A write is one transaction, so the failed
   * attempt stored nothing and trying again is safe.
   */
  async withReserve<T>(write: () => Promise<T>): Promise<T> {
    const releasesBefore = this.releases;
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof StorageError) || error.failure !== 'full') throw error;
      if (!(await this.release()) && this.releases === releasesBefore) throw error;
      return write();
    }
  }

  /** Takes the reserve if there is room for it now; a failure only leaves it for the next try. */
  async hold(): Promise<void> {
    if (this.reserve === null) return;
    this.retryAtMs = Number.POSITIVE_INFINITY;
    const held = await this.reserve.hold().catch(() => false);
    // No room even for the reserve is low storage too.
    this.spent = !held;
    if (!held) this.retryAtMs = this.scheduler.nowMs() + this.retryIntervalMs;
  }

  async close(): Promise<void> {
    await this.reserve?.close();
  }

  private async release(): Promise<boolean> {
    if (this.reserve === null) return false;
    const released = await this.reserve.release().catch(() => false);
    if (released) {
      this.releases++;
      this.spent = true;
      this.retryAtMs = this.scheduler.nowMs() + this.retryIntervalMs;
    }
    return released;
  }
}
