import { InvariantViolation } from '../../src/invariants/assert.js';
import { InMemoryNetwork, type Delivery } from '../../src/transport/in-memory-network.js';
import type { PeerTransport, TransportEvent } from '../../src/transport/peer-transport.js';
import { describeTransportContract, type TransportTestBed } from './transport-contract.js';

describeTransportContract('InMemoryTransport', (): TransportTestBed => {
  const onListenerErrors = new Map<string, (error: unknown) => void>();
  const network = new InMemoryNetwork({ onListenerError: (error, localId) => onListenerErrors.get(localId)?.(error) });
  const transports: PeerTransport[] = [];
  return {
    connect(localId, options) {
      onListenerErrors.set(localId, options.onListenerError);
      const transport = network.connect(localId);
      transports.push(transport);
      return transport;
    },
    kill: (transport) => network.crash(transport.localId),
    // Deliveries run as microtasks, all of which run before the next macrotask.
    settle: () => new Promise((resolve) => setTimeout(resolve, 0)),
    deathDetectionMsMax: 100,
    dispose: () => transports.forEach((transport) => transport.close()),
  };
});

/** A scheduler the test owns, as the simulator will: deliveries wait until the test runs them. */
class ManualDeliveries {
  readonly pending: { delivery: Delivery; deliver: () => void }[] = [];
  readonly schedule = (delivery: Delivery, deliver: () => void): void => {
    this.pending.push({ delivery, deliver });
  };

  runAll(order: 'sent' | 'reversed' = 'sent'): void {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      if (order === 'reversed') batch.reverse();
      for (const { deliver } of batch) deliver();
    }
  }
}

function record(transport: PeerTransport): TransportEvent[] {
  const events: TransportEvent[] = [];
  transport.listen((event) => events.push(event));
  return events;
}

const messages = (events: TransportEvent[]): number[][] =>
  events.flatMap((event) => (event.type === 'message' ? [[...event.bytes]] : []));

const reachability = (events: TransportEvent[], peerId: string): boolean[] =>
  events.flatMap((event) => (event.type === 'peer' && event.peerId === peerId ? [event.reachable] : []));

describe('transport: InMemoryNetwork', () => {
  let deliveries: ManualDeliveries;

  beforeEach(() => {
    deliveries = new ManualDeliveries();
  });

  it('lets its owner decide when each delivery happens, and says what each one carries', () => {
    const network = new InMemoryNetwork({ scheduler: deliveries.schedule });
    const a = network.connect('a');
    const b = network.connect('b');
    const atB = record(b);
    deliveries.runAll();
    a.send('b', Uint8Array.of(1, 2));
    expect(messages(atB)).toEqual([]);
    expect(deliveries.pending.map((pending) => pending.delivery)).toEqual([{ from: 'a', to: 'b', type: 'message', byteLength: 2 }]);
    deliveries.runAll();
    expect(messages(atB)).toEqual([[1, 2]]);
  });

  it('keeps per-link order even when the scheduler runs deliveries in reverse', () => {
    const network = new InMemoryNetwork({ scheduler: deliveries.schedule });
    const a = network.connect('a');
    const atB = record(network.connect('b'));
    deliveries.runAll();
    for (const value of [1, 2, 3]) a.send('b', Uint8Array.of(value));
    deliveries.runAll('reversed');
    expect(messages(atB)).toEqual([[1], [2], [3]]);
  });

  it('drops what is in flight and what is sent over a cut link, reports both ends unreachable, and heals', () => {
    const network = new InMemoryNetwork({ scheduler: deliveries.schedule });
    const a = network.connect('a');
    const b = network.connect('b');
    const atA = record(a);
    const atB = record(b);
    deliveries.runAll();
    a.send('b', Uint8Array.of(1));
    network.cutBetween('a', 'b');
    a.send('b', Uint8Array.of(2));
    deliveries.runAll();
    network.healBetween('a', 'b');
    a.send('b', Uint8Array.of(3));
    deliveries.runAll();
    expect(messages(atB)).toEqual([[3]]);
    expect(reachability(atA, 'b')).toEqual([true, false, true]);
    expect(reachability(atB, 'a')).toEqual([true, false, true]);
    expect(network.counters).toEqual(jasmine.objectContaining({ messagesSent: 3, messagesDelivered: 1, messagesDroppedInFlight: 1, messagesDroppedUnreachable: 1 }));
  });

  it('cuts one way: b stops hearing a while a still hears b', () => {
    const network = new InMemoryNetwork({ scheduler: deliveries.schedule });
    const a = network.connect('a');
    const b = network.connect('b');
    const atA = record(a);
    const atB = record(b);
    deliveries.runAll();
    network.cutOneWay('a', 'b');
    a.send('b', Uint8Array.of(1));
    b.send('a', Uint8Array.of(2));
    deliveries.runAll();
    expect(messages(atB)).toEqual([]);
    expect(messages(atA)).toEqual([[2]]);
    expect(reachability(atB, 'a')).toEqual([true, false]);
    expect(reachability(atA, 'b')).toEqual([true]);
  });

  it('drops messages past the link queue limits, counting them', () => {
    const network = new InMemoryNetwork({ scheduler: deliveries.schedule, limits: { linkQueueMessagesMax: 3, linkQueueBytesMax: 10 } });
    const a = network.connect('a');
    const atB = record(network.connect('b'));
    deliveries.runAll();
    for (let value = 0; value < 5; value++) a.send('b', Uint8Array.of(value));
    a.send('c', Uint8Array.of(9));
    deliveries.runAll();
    a.send('b', new Uint8Array(8));
    a.send('b', new Uint8Array(3));
    deliveries.runAll();
    expect(messages(atB).map((bytes) => bytes.length)).toEqual([1, 1, 1, 8]);
    expect(network.counters.messagesDroppedQueueFull).toBe(3);
    expect(network.counters.messagesDroppedUnreachable).toBe(1);
  });

  it('never hands a restarted device what was sent to its previous life', () => {
    const network = new InMemoryNetwork({ scheduler: deliveries.schedule });
    const a = network.connect('a');
    const atOldB = record(network.connect('b'));
    deliveries.runAll();
    a.send('b', Uint8Array.of(1));
    network.crash('b');
    const atNewB = record(network.connect('b'));
    deliveries.runAll();
    expect(messages(atOldB)).toEqual([]);
    expect(messages(atNewB)).toEqual([]);
    expect(network.counters.messagesDroppedInFlight).toBe(1);
  });

  it('replays the same trace for the same script', () => {
    const trace = (): string[] => {
      const network = new InMemoryNetwork({ scheduler: deliveries.schedule });
      const log: string[] = [];
      const ids = ['a', 'b', 'c'];
      const transports = ids.map((id) => network.connect(id));
      transports.forEach((transport) => transport.listen((event) => log.push(`${transport.localId} ${JSON.stringify(event, (_key, value: unknown) => (value instanceof Uint8Array ? [...value] : value))}`)));
      transports.forEach((transport, index) => transport.send(ids[(index + 1) % ids.length]!, Uint8Array.of(index)));
      network.cutBetween('a', 'c');
      deliveries.runAll();
      return log;
    };
    const first = trace();
    expect(first.length).toBeGreaterThan(0);
    expect(trace()).toEqual(first);
  });

  it('refuses a second live transport with the same id: that is a bug in the caller', () => {
    const network = new InMemoryNetwork({ scheduler: deliveries.schedule });
    network.connect('a');
    expect(() => network.connect('a')).toThrowError(InvariantViolation);
  });
});
