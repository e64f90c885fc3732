import { FeedSubscription } from '../../src/feed/feed-subscription.js';

describe('FeedSubscription', () => {
  const never = new AbortController().signal;
  let removed: FeedSubscription[];
  let subscription: FeedSubscription;

  beforeEach(() => {
    removed = [];
    subscription = new FeedSubscription('clinic-1', (closed) => removed.push(closed));
  });

  it('remembers a notification that came before the wait, once', async () => {
    subscription.notify();
    const startedMs = performance.now();
    await subscription.wait(10_000, never);
    expect(performance.now() - startedMs).toBeLessThan(1_000);
    const second = await Promise.race([subscription.wait(100, never).then(() => 'timed out'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 50))]);
    expect(second).toBe('still waiting');
  });

  it('wakes a waiting poll on notify, and gives up at its timeout', async () => {
    const waiting = subscription.wait(10_000, never);
    subscription.notify();
    await expectAsync(waiting).toBeResolved();
    const startedMs = performance.now();
    await subscription.wait(60, never);
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(55);
  });

  it('stops waiting when the client goes, and unsubscribes on close', async () => {
    const gone = new AbortController();
    const waiting = subscription.wait(10_000, gone.signal);
    gone.abort();
    await expectAsync(waiting).toBeResolved();
    await expectAsync(subscription.wait(10_000, gone.signal)).toBeResolved();
    subscription.close();
    expect(removed).toEqual([subscription]);
  });
});
