// The Ready contract (types.ts) carried out in one place for every driver of the core: the clinic node on a
// device (an asynchronous disk), the simulator (a simulated disk that may lose power mid-Ready), the specs'
// test cluster and the benchmarks (memory). Each says how it persists, sends and applies; the order, and
// that nothing is sent before what it depends on is durable, is this loop's and nobody else's.
import type { Message, Ready } from './types.js';

/** What the loop drives: the part of the core a driver works through. */
export interface ReadyCore {
  hasReady(): boolean;
  ready(): Ready;
  advance(): void;
}

/** A driver's three steps. A step that throws ends the loop before the core advances past that Ready. */
export interface ReadySteps {
  /**
   * Makes the Ready's hard state, snapshot and entries durable. A driver with an asynchronous disk returns a
   * promise, and nothing of that Ready leaves before it settles; a rejection ends the loop there.
   */
  persist(ready: Ready): void | Promise<void>;
  /** Hands the Ready's messages to the network. */
  send(messages: readonly Message[]): void;
  /** Installs the snapshot and applies the committed entries in order (and takes what else it needs: read states). */
  apply(ready: Ready): void;
}

/** The steps of a driver whose disk is memory: persist returns nothing, and the whole loop is synchronous. */
export interface SynchronousReadySteps extends ReadySteps {
  persist(ready: Ready): undefined;
}

/**
 * Handles Readys until the core has none (or `keepGoing` says stop, checked before each): persist, then send,
 * then apply, then advance. Synchronous while every persist is; once one returns a promise, the rest of the
 * loop runs after it and the returned promise settles when the loop ends.
 */
export function handleReadies(core: ReadyCore, steps: SynchronousReadySteps, keepGoing?: () => boolean): void;
export function handleReadies(core: ReadyCore, steps: ReadySteps, keepGoing?: () => boolean): void | Promise<void>;
export function handleReadies(core: ReadyCore, steps: ReadySteps, keepGoing: () => boolean = () => true): void | Promise<void> {
  while (keepGoing() && core.hasReady()) {
    const ready = core.ready();
    const persisting = steps.persist(ready);
    if (persisting !== undefined) {
      return persisting.then(() => {
        finishReady(core, steps, ready);
        return handleReadies(core, steps, keepGoing);
      });
    }
    finishReady(core, steps, ready);
  }
  return undefined;
}

/** Persisted: only now may anything that depends on it leave, and the state machine move on. */
function finishReady(core: ReadyCore, steps: ReadySteps, ready: Ready): void {
  steps.send(ready.messages);
  steps.apply(ready);
  core.advance();
}
