// The node's Scheduler on the simulator's virtual clock, one per process (incarnation) of a device. Timers
// are events on the shared queue. A frozen tab runs no timers: one that falls due while the device sleeps
// waits and fires when it wakes (as Chrome does on thaw). A process that died (power loss, restart) never
// fires a timer again.
import type { Scheduler } from '../../../leader-worker/src/node/scheduler.js';
import type { EventQueue } from '../engine/event-queue.js';

export class DeviceClock implements Scheduler {
  private alive = true;
  private asleep = false;
  /** Timers that fell due while asleep, in the order they did. */
  private parked: (() => void)[] = [];

  /**
   * @param jitterMs the drift of the next interval of a repeating timer (a real device's timers are not exact)
   * @param fired called before every timer callback, so the simulator knows the device did work in this event
   */
  constructor(
    private readonly queue: EventQueue,
    private readonly jitterMs: () => number,
    private readonly fired: () => void,
  ) {}

  nowMs(): number {
    return this.queue.nowMs;
  }

  every(intervalMs: number, callback: () => void): () => void {
    let cancelled = false;
    const due = (): void => {
      if (cancelled || !this.alive) return;
      if (this.asleep) {
        this.parked.push(due);
        return;
      }
      this.fired();
      callback();
      if (!cancelled) this.queue.scheduleAfter(Math.max(1, intervalMs + this.jitterMs()), due);
    };
    this.queue.scheduleAfter(intervalMs, due);
    return () => {
      cancelled = true;
    };
  }

  after(delayMs: number, callback: () => void): () => void {
    let cancelled = false;
    const due = (): void => {
      if (cancelled || !this.alive) return;
      if (this.asleep) {
        this.parked.push(due);
        return;
      }
      cancelled = true;
      this.fired();
      callback();
    };
    this.queue.scheduleAfter(delayMs, due);
    return () => {
      cancelled = true;
    };
  }

  sleep(): void {
    this.asleep = true;
  }

  /** Wakes and fires, in order, every timer that fell due while asleep. */
  wake(): void {
    this.asleep = false;
    const overdue = this.parked;
    this.parked = [];
    for (const due of overdue) due();
  }

  /** The process is gone: no timer of it fires again. */
  kill(): void {
    this.alive = false;
    this.parked = [];
  }
}
