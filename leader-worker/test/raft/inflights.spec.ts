// The in-flight window of one follower (etcd's inflights): a bound on messages AND on the memory that holds
// them. A window that never drains, with messages always in flight, must not grow with the messages sent.
import { Inflights } from '../../src/raft/progress.js';

describe('Raft in-flight window', () => {
  it('holds exactly its capacity in memory after 100,000 sends with two always in flight', () => {
    const window = new Inflights(4);
    let lastIndex = 0;
    window.add(++lastIndex);
    window.add(++lastIndex);
    for (let sent = 0; sent < 100_000; sent++) {
      window.add(++lastIndex);
      window.freeUpTo(lastIndex - 2);
      expect(window.count).toBe(2);
    }
    expect(window.slots).toBe(4);
  });

  it('frees in order across the ring\'s wrap-around, only what the acknowledgement covers', () => {
    const window = new Inflights(3);
    for (const lastIndex of [10, 20, 30]) window.add(lastIndex);
    expect(window.full()).toBeTrue();
    window.freeUpTo(15);
    expect(window.count).toBe(2);
    window.add(40); // wraps into the freed slot
    expect(window.full()).toBeTrue();
    window.freeUpTo(29);
    expect(window.count).toBe(2);
    window.freeUpTo(35);
    expect(window.count).toBe(1);
    window.add(50);
    window.add(60);
    window.freeUpTo(50);
    expect(window.count).toBe(1);
    window.freeUpTo(1_000);
    expect(window.count).toBe(0);
  });

  it('refuses a message past its capacity and one that does not end past the newest in flight', () => {
    const window = new Inflights(2);
    window.add(5);
    expect(() => window.add(5)).toThrowError(/growing indexes/);
    window.add(6);
    expect(() => window.add(7)).toThrowError(/full in-flight window/);
  });

  it('is empty after a reset, and fills again from any slot', () => {
    const window = new Inflights(2);
    window.add(1);
    window.add(2);
    window.freeUpTo(1);
    window.reset();
    expect(window.count).toBe(0);
    window.add(3);
    window.add(4);
    expect(window.full()).toBeTrue();
  });

  it('needs room for at least one message', () => {
    expect(() => new Inflights(0)).toThrowError(/at least one message/);
  });
});
