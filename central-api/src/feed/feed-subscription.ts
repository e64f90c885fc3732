// One waiting long-poll's view of notifications for its clinic. A notification that arrives while the poll
// is reading the database (not yet waiting) is remembered, so it is never lost between a read and a wait.
export class FeedSubscription {
  private notified = false;
  private wake: (() => void) | undefined;

  constructor(
    readonly clinicId: string,
    private readonly unsubscribe: (subscription: FeedSubscription) => void,
  ) {}

  /** The clinic's feed may have grown (or the listener reconnected, or the process is closing). */
  notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /** Resolves at the next notification (at once if one came since the last wait), after `timeoutMs`, or on abort. */
  wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.notified || signal.aborted) {
      this.notified = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        this.notified = false;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  close(): void {
    this.wake?.();
    this.unsubscribe(this);
  }
}
