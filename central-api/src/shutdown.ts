// Stops the process cleanly on SIGINT (Ctrl-C) or SIGTERM: the caller's stop (close the server, then the
// database), then exit. A second signal, or a stop that hangs, exits at once.
export const shutdownLimits = {
  /** In-flight requests finish and PostgreSQL checkpoints within this; a stop taking longer is stuck. */
  stopTimeoutMs: 30_000,
};

const signals = ['SIGINT', 'SIGTERM'] as const;

export function stopOnSignals(stop: () => Promise<void>, log: (line: string) => void): void {
  let stopping = false;
  for (const signal of signals) {
    process.on(signal, () => {
      if (stopping) {
        log(`${signal} again: exiting without waiting`);
        process.exit(1);
      }
      stopping = true;
      log(`${signal}: stopping`);
      setTimeout(() => {
        log(`stop took over ${shutdownLimits.stopTimeoutMs} ms: exiting`);
        process.exit(1);
      }, shutdownLimits.stopTimeoutMs).unref();
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          log(`stop failed: ${String(error)}`);
          process.exit(1);
        },
      );
    });
  }
}
