import { SerialQueue } from '../../src/concurrency/serial-queue.js';

describe('SerialQueue', () => {
  it('runs one key at a time in the order asked, and a key already waiting once', async () => {
    const events: string[] = [];
    const releases: (() => void)[] = [];
    const queue = new SerialQueue(async (key) => {
      events.push(`${key} start`);
      await new Promise<void>((resolve) => releases.push(resolve));
      events.push(`${key} end`);
    });
    const a = queue.enqueue('a');
    const b = queue.enqueue('b');
    expect(queue.enqueue('b')).toBe(b);
    expect(queue.length).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['a start']);
    releases.shift()!();
    await a;
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['a start', 'a end', 'b start']);
    // Asked again while running: a new run is queued behind it.
    const again = queue.enqueue('b');
    expect(again).not.toBe(b);
    releases.shift()!();
    await b;
    await new Promise((resolve) => setImmediate(resolve));
    releases.shift()!();
    await again;
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end', 'b start', 'b end']);
  });
});

describe('SerialQueue resting between runs', () => {
  it('waits after a run in proportion to its length, so background work keeps to its share', async () => {
    const started: number[] = [];
    const queue = new SerialQueue(async () => {
      started.push(performance.now());
      const until = performance.now() + 40;
      while (performance.now() < until) {
        // a run of about 40 ms of work
      }
    }, 0.5);
    await Promise.all([queue.enqueue('a'), queue.enqueue('b')]);
    // At a share of one half, b starts no sooner than one run length after a ended.
    expect(started[1]! - started[0]!).toBeGreaterThanOrEqual(75);
    expect(() => new SerialQueue(async () => undefined, 0)).toThrowError(RangeError);
  });
});

describe('SerialQueue closing', () => {
  it('waits for the run under way and starts none of those still queued', async () => {
    const ran: string[] = [];
    let release!: () => void;
    const queue = new SerialQueue(async (key) => {
      ran.push(key);
      if (key === 'a') await new Promise<void>((resolve) => (release = resolve));
    });
    const a = queue.enqueue('a');
    const b = queue.enqueue('b');
    await new Promise((resolve) => setImmediate(resolve));
    const closed = queue.close();
    release();
    await Promise.all([closed, a, b]);
    expect(ran).toEqual(['a']);
  });
});
