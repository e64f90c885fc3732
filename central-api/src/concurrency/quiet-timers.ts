// Per key, a run owed that starts once the key has been quiet for a while: no activity under way (`begin`
// .. `end`) and none begun for `quietMs` since the last ended. The chart copy uses it to catch a clinic's
// copy up when its leader pauses uploading, so a backlog uploaded back to back is stored first and applied
// after. Background runs are tracked so the process can wait for them before closing the database.

interface KeyState {
  active: number;
  /** A run is owed: it starts once the key is quiet. */
  owed: boolean;
  timer: NodeJS.Timeout | undefined;
}

export class QuietTimers {
  private readonly keys = new Map<string, KeyState>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly quietMs: number,
    /** Must not reject: errors are the callee's to report. */
    private readonly run: (key: string) => Promise<void>,
  ) {}

  /** An activity of the key starts: a run owed waits until the key is quiet again. */
  begin(key: string): void {
    const state = this.keys.get(key) ?? { active: 0, owed: false, timer: undefined };
    clearTimeout(state.timer);
    state.timer = undefined;
    state.active++;
    this.keys.set(key, state);
  }

  /** An activity of the key ended; with `owesRun`, a run is owed. It starts after quietMs with no activity. */
  end(key: string, owesRun: boolean): void {
    const state = this.keys.get(key);
    if (state === undefined || state.active === 0) throw new Error(`end(${key}) without begin`);
    state.active--;
    state.owed ||= owesRun;
    if (state.active > 0) return;
    if (!state.owed || this.closed) {
      this.keys.delete(key);
      return;
    }
    state.timer = setTimeout(() => {
      this.keys.delete(key);
      const running = this.run(key).finally(() => this.running.delete(running));
      this.running.add(running);
    }, this.quietMs);
    // A run owed never keeps a process alive that has nothing else to do.
    state.timer.unref();
  }

  /**
   * Cancels every run owed, refuses new ones, and waits for the runs already started. Activities under way
   * (an upload still answering while the process shuts down) keep their count, so their end() is no error.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const [key, state] of this.keys) {
      clearTimeout(state.timer);
      state.timer = undefined;
      state.owed = false;
      if (state.active === 0) this.keys.delete(key);
    }
    await Promise.all([...this.running]);
  }
}
