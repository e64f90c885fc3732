// The simulator's agenda: virtual-time order, ties in scheduling order, and no scheduling into the past.
import { EventQueue } from '../src/engine/event-queue.js';
import { SimulatorBug } from '../src/engine/violation.js';

describe('EventQueue', () => {
  it('runs events in time order and breaks ties by insertion order', () => {
    const queue = new EventQueue();
    const ran: string[] = [];
    queue.schedule(20, () => ran.push('b'));
    queue.schedule(10, () => ran.push('a'));
    queue.schedule(20, () => ran.push('c'));
    queue.schedule(20, () => ran.push('d'));
    queue.schedule(5, () => ran.push('first'));
    for (let event = queue.pop(); event !== undefined; event = queue.pop()) event.run();
    expect(ran).toEqual(['first', 'a', 'b', 'c', 'd']);
    expect(queue.nowMs).toBe(20);
  });

  it('keeps insertion order among many equal times (no heap instability)', () => {
    const queue = new EventQueue();
    const ran: number[] = [];
    for (let position = 0; position < 100; position++) queue.schedule(position % 3, () => ran.push(position));
    for (let event = queue.pop(); event !== undefined; event = queue.pop()) event.run();
    const expected = [0, 1, 2].flatMap((time) => Array.from({ length: 100 }, (_, position) => position).filter((position) => position % 3 === time));
    expect(ran).toEqual(expected);
  });

  it('refuses to schedule into the past', () => {
    const queue = new EventQueue();
    queue.schedule(50, () => undefined);
    queue.pop();
    expect(() => queue.schedule(49, () => undefined)).toThrowError(SimulatorBug);
    expect(() => queue.scheduleAfter(0, () => undefined)).not.toThrow();
  });
});
