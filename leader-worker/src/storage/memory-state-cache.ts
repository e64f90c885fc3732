// The applied-state cache in memory, for the simulator and tests. Like the device's cache it may be lost
// at any time without losing a record; `clear()` plays that too (a cache write that did not survive).
import type { CachedState, StateCache } from './state-cache.js';
import { ownBytes } from './stored-records.js';

export class MemoryStateCache implements StateCache {
  private cached: CachedState | null = null;

  async load(): Promise<CachedState | null> {
    return this.cached === null ? null : { appliedIndex: this.cached.appliedIndex, state: ownBytes(this.cached.state) };
  }

  async save(state: CachedState): Promise<void> {
    this.cached = { appliedIndex: state.appliedIndex, state: ownBytes(state.state) };
  }

  async clear(): Promise<void> {
    this.cached = null;
  }
}
