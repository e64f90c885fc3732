// Virtual time for driver tests: timers fire only when the test advances the clock, in time order, and
// pending promise work (storage, the driver's Ready loop) is flushed between them.
import type { Scheduler } from '../../src/node/scheduler.js';

interface Timer {
  readonly id: number;
  dueMs: number;
  readonly intervalMs: number | null;
  readonly callback: () => void;
}

export class ManualScheduler implements Scheduler {
  private now = 0;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  nowMs(): number {
    return this.now;
  }

  every(intervalMs: number, callback: () => void): () => void {
    return this.add(intervalMs, intervalMs, callback);
  }

  after(delayMs: number, callback: () => void): () => void {
    return this.add(delayMs, null, callback);
  }

  /** Moves the clock forward by `ms`, firing every timer that falls due, and settling async work after each. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    while (true) {
      await settle();
      const next = [...this.timers.values()].sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
      if (next === undefined || next.dueMs > target) break;
      this.now = next.dueMs;
      if (next.intervalMs === null) this.timers.delete(next.id);
      else next.dueMs += next.intervalMs;
      next.callback();
    }
    this.now = target;
    await settle();
  }

  private add(delayMs: number, intervalMs: number | null, callback: () => void): () => void {
    const id = this.nextId++;
    this.timers.set(id, { id, dueMs: this.now + delayMs, intervalMs, callback });
    return () => this.timers.delete(id);
  }
}

/** Lets queued promise callbacks and I/O callbacks run (several macrotask turns). */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}
