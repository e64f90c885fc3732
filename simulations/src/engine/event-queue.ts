// The simulator's clock and agenda: events run in virtual-time order, and events due at the same moment run
// in the order they were scheduled, so a run never depends on how a heap happens to break ties.
import { simulatorAssert as assert } from './violation.js';

export interface ScheduledEvent {
  readonly atMs: number;
  readonly sequence: number;
  readonly run: () => void;
}

export class EventQueue {
  private readonly heap: ScheduledEvent[] = [];
  private nextSequence = 0;
  private currentTimeMs = 0;

  /** Virtual time: the due time of the event being run (or last run). Never decreases. */
  get nowMs(): number {
    return this.currentTimeMs;
  }

  get size(): number {
    return this.heap.length;
  }

  /** Runs `run` at `atMs` (virtual). Scheduling in the past is a simulator bug. */
  schedule(atMs: number, run: () => void): void {
    assert(Number.isFinite(atMs), 'event time must be finite');
    assert(atMs >= this.currentTimeMs, `event scheduled in the past: ${atMs} < ${this.currentTimeMs}`);
    this.heap.push({ atMs, sequence: this.nextSequence++, run });
    this.siftUp(this.heap.length - 1);
  }

  scheduleAfter(delayMs: number, run: () => void): void {
    assert(delayMs >= 0, 'delay must not be negative');
    this.schedule(this.currentTimeMs + delayMs, run);
  }

  /** Removes the earliest event and moves the clock to it, or returns undefined when nothing is due. */
  pop(): ScheduledEvent | undefined {
    const first = this.heap[0];
    if (first === undefined) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    this.currentTimeMs = first.atMs;
    return first;
  }

  private siftUp(position: number): void {
    let child = position;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.before(child, parent)) return;
      this.swap(child, parent);
      child = parent;
    }
  }

  private siftDown(position: number): void {
    let parent = position;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < this.heap.length && this.before(left, smallest)) smallest = left;
      if (right < this.heap.length && this.before(right, smallest)) smallest = right;
      if (smallest === parent) return;
      this.swap(parent, smallest);
      parent = smallest;
    }
  }

  private before(a: number, b: number): boolean {
    const first = this.heap[a]!;
    const second = this.heap[b]!;
    return first.atMs < second.atMs || (first.atMs === second.atMs && first.sequence < second.sequence);
  }

  private swap(a: number, b: number): void {
    const held = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = held;
  }
}
