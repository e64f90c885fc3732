// Per key, one timer that fires once the key has been quiet for a while: each `touch` pushes it back. The
// chart copy uses it to catch a clinic's copy up when its leader pauses uploading. Background runs are
// tracked so the process can wait for them before closing the database.

export class QuietTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly quietMs: number,
    /** Must not reject: errors are the callee's to report. */
    private readonly run: (key: string) => Promise<void>,
  ) {}

  /** (Re)starts the key's timer; a no-op once closed. */
  touch(key: string): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(() => {
      this.timers.delete(key);
      const running = this.run(key).finally(() => this.running.delete(running));
      this.running.add(running);
    }, this.quietMs);
    // A pending catch-up never keeps a process alive that has nothing else to do.
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Whether the key's timer is pending. */
  isPending(key: string): boolean {
    return this.timers.has(key);
  }

  /** Cancels every pending timer, refuses new ones, and waits for the runs already started. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.running]);
  }
}
