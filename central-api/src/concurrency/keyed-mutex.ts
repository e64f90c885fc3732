// One at a time per key, in this process: the requests of one clinic take turns with its in-memory chart copy.
// (Across processes, uploads of a clinic are serialized by the database lock on its sync state row.)

export class QueueFullError extends Error {
  constructor(readonly key: string, readonly queuedMax: number) {
    super(`more than ${queuedMax} requests are waiting for ${key}`);
  }
}

export class KeyedMutex {
  /** Per key, the promise the next comer waits for, and how many hold or wait. */
  private readonly queues = new Map<string, { tail: Promise<void>; count: number }>();

  constructor(private readonly queuedPerKeyMax: number) {}

  /** Runs `work` once every earlier `run` of `key` has finished; throws QueueFullError past the bound. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const queue = this.queues.get(key) ?? { tail: Promise.resolve(), count: 0 };
    if (queue.count >= this.queuedPerKeyMax) throw new QueueFullError(key, this.queuedPerKeyMax);
    const previous = queue.tail;
    let release!: () => void;
    queue.tail = new Promise<void>((resolve) => (release = resolve));
    queue.count++;
    this.queues.set(key, queue);
    try {
      await previous;
      return await work();
    } finally {
      queue.count--;
      if (queue.count === 0) this.queues.delete(key);
      release();
    }
  }

  /** Whether some `run` of `key` holds or waits for it. */
  isBusy(key: string): boolean {
    return this.queues.has(key);
  }
}
