// Fails a run fast when it stops making progress. A runaway (messages that multiply, an event that keeps
// rescheduling itself without letting virtual time move) would otherwise spend the whole event budget of a
// seed, seconds of real time, before the budget check stops it. Counting events per virtual second catches
// it within one virtual second's worth of events, a hundredth of the budget.
import { check } from './violation.js';

export interface RunawayLimits {
  /** Events in one seed before the run is declared runaway. */
  readonly eventsPerSeedMax: number;
  /** Events inside one second of virtual time before the run is declared runaway: time is not advancing. */
  readonly eventsPerVirtualSecondMax: number;
}

/** Events are counted per aligned second of virtual time. */
const windowMs = 1_000;

export class RunawayGuard {
  private events = 0;
  private windowStartMs = 0;
  private eventsInWindow = 0;
  private peakEventsInWindow = 0;

  constructor(private readonly limits: RunawayLimits) {}

  /** Events counted so far. */
  get eventCount(): number {
    return this.events;
  }

  /** The most events any one second of virtual time held: a figure, to size the limit from. */
  get eventsPerVirtualSecondPeak(): number {
    return this.peakEventsInWindow;
  }

  /** One more event, about to run at `nowMs` of virtual time. */
  count(nowMs: number): void {
    this.events++;
    check(this.events <= this.limits.eventsPerSeedMax, 'runaway', () => `more than ${this.limits.eventsPerSeedMax} events in one seed`);
    if (nowMs >= this.windowStartMs + windowMs) {
      this.windowStartMs = nowMs - (nowMs % windowMs);
      this.eventsInWindow = 0;
    }
    this.eventsInWindow++;
    this.peakEventsInWindow = Math.max(this.peakEventsInWindow, this.eventsInWindow);
    check(this.eventsInWindow <= this.limits.eventsPerVirtualSecondMax, 'runaway',
      () => `more than ${this.limits.eventsPerVirtualSecondMax} events within one second of virtual time (from ${this.windowStartMs}ms): the run no longer moves forward in virtual time`);
  }
}
