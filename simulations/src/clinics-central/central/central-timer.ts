// Central's clock and its one kind of timer (a long-poll's wait), as the simulated central takes them: on the
// simulator's virtual clock in a run, on real timers in the CentralClient contract suite.

export interface CentralTimer {
  /** Central's clock, ms since the epoch (its leases' grants and expiries are on it). */
  nowMs(): number;
  /** Runs `callback` after `delayMs`; the function returned cancels it. */
  after(delayMs: number, callback: () => void): () => void;
}
