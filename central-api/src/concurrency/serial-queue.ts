// Runs background work one key at a time, in the order it was asked for, each key queued at most once, and
// resting after each run so that background work takes at most `shareMax` of the process's time.
//
// The chart copy's background catch-ups are deferrable and CPU-bound (a replay, a snapshot): at the busiest hour
// of 2,000 clinics, run as they came due, they took the whole process and starved the requests, whose answers
// are what clinics wait for. Queued and rationed, they fall behind instead; how far is bounded by
// projectionLagEntriesMax (an upload then waits for its own copy), and they catch up once the peak passes.

export class SerialQueue {
  private readonly waiting = new Map<string, Promise<void>>();
  private tail: Promise<void> = Promise.resolve();
  private running: Promise<void> = Promise.resolve();
  private closed = false;

  /**
   * `run` must not reject: failures are the callee's to report. `shareMax` in (0, 1]: after a run of d ms the
   * queue rests d * (1 / shareMax - 1) ms before the next.
   */
  constructor(
    private readonly run: (key: string) => Promise<void>,
    private readonly shareMax = 1,
  ) {
    if (!(shareMax > 0 && shareMax <= 1)) throw new RangeError(`shareMax must be in (0, 1], not ${shareMax}`);
  }

  get length(): number {
    return this.waiting.size;
  }

  /** Queues a run of `key` unless one is waiting already; resolves when that run has finished. */
  enqueue(key: string): Promise<void> {
    const waiting = this.waiting.get(key);
    if (waiting !== undefined) return waiting;
    const turn = this.tail.then(async () => {
      this.waiting.delete(key);
      if (this.closed) return 0;
      const startedMs = performance.now();
      this.running = this.run(key);
      await this.running;
      return performance.now() - startedMs;
    });
    const finished = turn.then(() => undefined);
    this.waiting.set(key, finished);
    this.tail = turn.then((durationMs) => rest(durationMs * (1 / this.shareMax - 1)));
    return finished;
  }

  /** Starts nothing more (runs still queued are skipped) and waits for the run under way. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }
}

function rest(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
