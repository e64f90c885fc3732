// Time for the node driver, injected: real timers in the Worker, a virtual clock in the simulator.
export interface Scheduler {
  nowMs(): number;
  /** Calls `callback` every `intervalMs` until the returned function is called. */
  every(intervalMs: number, callback: () => void): () => void;
  /** Calls `callback` once after `delayMs` unless the returned function is called first. */
  after(delayMs: number, callback: () => void): () => void;
}

/** The scheduler of a real device. In a dedicated Worker, Chrome throttles these far less than on a page. */
export const realScheduler: Scheduler = {
  nowMs: () => Date.now(),
  every: (intervalMs, callback) => {
    const handle = setInterval(callback, intervalMs);
    return () => clearInterval(handle);
  },
  after: (delayMs, callback) => {
    const handle = setTimeout(callback, delayMs);
    return () => clearTimeout(handle);
  },
};
