// The one contract every PeerTransport passes (in memory, BroadcastChannel, later PeerJS), in Node and in
// Chromium. It checks what Raft above relies on: delivery to the addressed peer only, per-peer order, no
// duplicates, intact and copied bytes, a dead peer reported as unreachable, nothing after close.
import type { NodeId } from '../../src/raft/types.js';
import type { PeerTransport, TransportEvent } from '../../src/transport/peer-transport.js';

/** One shared medium (a network, a channel) on which a test attaches devices. */
export interface TransportTestBed {
  connect(localId: NodeId, options: { readonly onListenerError: (error: unknown) => void }): PeerTransport;
  /** The device dies without closing: no goodbye, it just falls silent (a killed tab, a flat battery). */
  kill(transport: PeerTransport): void;
  /** Resolves once anything in flight has arrived, so a test can check that something did NOT arrive. */
  settle(): Promise<void>;
  /** Longest a death may take to show as unreachable (heartbeat timeouts). */
  readonly deathDetectionMsMax: number;
  /**
   * Longest something that should happen promptly may take (default arrivalTimeoutMs): a WebRTC link needs
   * signaling round trips and a handshake, which take seconds on a busy CI machine, not milliseconds.
   */
  readonly arrivalTimeoutMs?: number;
  /** What the bed can say of its transports when something did not arrive in time. */
  diagnose?(): string;
  /** Closes whatever the bed still holds open. */
  dispose(): void;
}

/** How long a test waits for something that should happen promptly before it fails. */
const arrivalTimeoutMs = 3000;
const pollIntervalMs = 5;
const messagesPerSender = 300;
const largeMessageBytes = 1 << 20;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let bedArrivalTimeoutMs = arrivalTimeoutMs;
let bedDiagnosis: () => string = () => '';

async function eventually(what: string, condition: () => boolean, timeoutMs = bedArrivalTimeoutMs): Promise<void> {
  for (let waitedMs = 0; !condition(); waitedMs += pollIntervalMs) {
    if (waitedMs >= timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${bedDiagnosis()}`);
    await sleep(pollIntervalMs);
  }
}

/** Every event one transport's listener saw, in order. */
class Recorder {
  readonly events: TransportEvent[] = [];

  constructor(
    readonly transport: PeerTransport,
    onEvent: (event: TransportEvent) => void = () => undefined,
  ) {
    transport.listen((event) => {
      this.events.push(event);
      onEvent(event);
    });
  }

  messagesFrom(from: NodeId): Uint8Array[] {
    return this.events.flatMap((event) => (event.type === 'message' && event.from === from ? [event.bytes] : []));
  }

  messageCount(): number {
    return this.events.filter((event) => event.type === 'message').length;
  }

  /** The reachability reported for one peer, in order: [true, false] is a join then a death. */
  reachabilityOf(peerId: NodeId): boolean[] {
    return this.events.flatMap((event) => (event.type === 'peer' && event.peerId === peerId ? [event.reachable] : []));
  }

  sees(peerId: NodeId): boolean {
    return this.reachabilityOf(peerId).at(-1) === true;
  }
}

function numbered(sender: number, index: number): Uint8Array {
  return Uint8Array.of(sender, index >> 8, index & 0xff);
}

function indexOf(bytes: Uint8Array): number {
  return ((bytes[1] ?? 0) << 8) | (bytes[2] ?? 0);
}

function pattern(byteLength: number): Uint8Array {
  return Uint8Array.from({ length: byteLength }, (_, index) => (index * 31 + 7) & 0xff);
}

/** The first index where two byte arrays differ, or -1; a plain loop, since toEqual on 1 MiB is slow and prints it all. */
function firstDifference(actual: Uint8Array, expected: Uint8Array): number {
  if (actual.byteLength !== expected.byteLength) return Math.min(actual.byteLength, expected.byteLength);
  for (let index = 0; index < expected.byteLength; index++) if (actual[index] !== expected[index]) return index;
  return -1;
}

export function describeTransportContract(name: string, createBed: () => TransportTestBed): void {
  describe(`transport contract: ${name}`, () => {
    let bed: TransportTestBed;
    let listenerErrors: unknown[];

    beforeEach(() => {
      bed = createBed();
      bedArrivalTimeoutMs = bed.arrivalTimeoutMs ?? arrivalTimeoutMs;
      bedDiagnosis = () => (bed.diagnose === undefined ? '' : `; ${bed.diagnose()}`);
      listenerErrors = [];
    });

    afterEach(() => bed.dispose());

    const connect = (localId: NodeId, onEvent?: (event: TransportEvent) => void): Recorder =>
      new Recorder(bed.connect(localId, { onListenerError: (error) => listenerErrors.push(error) }), onEvent);

    /** Connects devices and waits until every one sees every other. */
    async function connectAll(...localIds: NodeId[]): Promise<Recorder[]> {
      const recorders = localIds.map((localId) => connect(localId));
      await eventually('every device to see every other', () =>
        recorders.every((recorder) => localIds.every((peerId) => peerId === recorder.transport.localId || recorder.sees(peerId))),
      );
      return recorders;
    }

    it('delivers a message to the addressed peer only, not to the sender or a bystander', async () => {
      const [a, b, c] = await connectAll('clinic-1/a', 'clinic-1/b', 'clinic-1/c');
      a!.transport.send('clinic-1/b', Uint8Array.of(1, 2, 3));
      await eventually('the message at b', () => b!.messageCount() === 1);
      await bed.settle();
      expect(b!.messagesFrom('clinic-1/a')).toEqual([Uint8Array.of(1, 2, 3)]);
      expect(a!.messageCount()).toBe(0);
      expect(c!.messageCount()).toBe(0);
    });

    it('keeps each sender\'s order, with no duplicates and, when nothing fails, no losses', async () => {
      const [a, b, c] = await connectAll('clinic-1/a', 'clinic-1/b', 'clinic-1/c');
      for (let index = 0; index < messagesPerSender; index++) {
        a!.transport.send('clinic-1/b', numbered(1, index));
        c!.transport.send('clinic-1/b', numbered(2, index));
      }
      await eventually('every message at b', () => b!.messageCount() === 2 * messagesPerSender);
      await bed.settle();
      const expectedOrder = Array.from({ length: messagesPerSender }, (_, index) => index);
      expect(b!.messagesFrom('clinic-1/a').map(indexOf)).toEqual(expectedOrder);
      expect(b!.messagesFrom('clinic-1/c').map(indexOf)).toEqual(expectedOrder);
      expect(b!.messageCount()).toBe(2 * messagesPerSender);
    });

    it('carries a 1 MiB message intact', async () => {
      const [a, b] = await connectAll('clinic-1/a', 'clinic-1/b');
      const sent = pattern(largeMessageBytes);
      a!.transport.send('clinic-1/b', sent);
      await eventually('the large message at b', () => b!.messageCount() === 1);
      const [received] = b!.messagesFrom('clinic-1/a');
      expect(received?.byteLength).toBe(largeMessageBytes);
      expect(firstDifference(received!, pattern(largeMessageBytes))).toBe(-1);
    });

    it('copies the bytes: changing the buffer after send changes nothing that arrives', async () => {
      const [a, b] = await connectAll('clinic-1/a', 'clinic-1/b');
      const buffer = Uint8Array.of(10, 20, 30, 40, 50, 60);
      const view = buffer.subarray(2, 4);
      a!.transport.send('clinic-1/b', buffer);
      a!.transport.send('clinic-1/b', view);
      buffer.fill(0);
      await eventually('both messages at b', () => b!.messageCount() === 2);
      expect(b!.messagesFrom('clinic-1/a')).toEqual([Uint8Array.of(10, 20, 30, 40, 50, 60), Uint8Array.of(30, 40)]);
    });

    it('does not throw when sending to an unknown peer or to itself, and delivers neither', async () => {
      const [a, b] = await connectAll('clinic-1/a', 'clinic-1/b');
      expect(() => a!.transport.send('clinic-1/nobody', Uint8Array.of(1))).not.toThrow();
      expect(() => a!.transport.send('clinic-1/a', Uint8Array.of(2))).not.toThrow();
      await bed.settle();
      expect(a!.messageCount()).toBe(0);
      expect(b!.messageCount()).toBe(0);
    });

    it('keeps delivering after a listener throws, and reports what it threw', async () => {
      const [a] = await connectAll('clinic-1/a');
      const failure = new Error('listener bug');
      let thrown = false;
      const b = connect('clinic-1/b', (event) => {
        if (event.type === 'message' && !thrown) {
          thrown = true;
          throw failure;
        }
      });
      await eventually('a and b to see each other', () => a!.sees('clinic-1/b') && b.sees('clinic-1/a'));
      a!.transport.send('clinic-1/b', Uint8Array.of(1));
      a!.transport.send('clinic-1/b', Uint8Array.of(2));
      await eventually('both messages at b', () => b.messageCount() === 2);
      expect(b.messagesFrom('clinic-1/a')).toEqual([Uint8Array.of(1), Uint8Array.of(2)]);
      expect(listenerErrors).toEqual([failure]);
    });

    it('delivers nothing after close, makes send a no-op, and closes idempotently', async () => {
      const [a, b] = await connectAll('clinic-1/a', 'clinic-1/b');
      b!.transport.close();
      b!.transport.close();
      const eventsAtClose = b!.events.length;
      a!.transport.send('clinic-1/b', Uint8Array.of(1));
      expect(() => b!.transport.send('clinic-1/a', Uint8Array.of(2))).not.toThrow();
      await bed.settle();
      expect(b!.events.length).toBe(eventsAtClose);
      expect(a!.messagesFrom('clinic-1/b')).toEqual([]);
    });

    it('reports a peer reachable when it joins and unreachable after it closes', async () => {
      const a = connect('clinic-1/a');
      const b = connect('clinic-1/b');
      await eventually('a and b to see each other', () => a.sees('clinic-1/b') && b.sees('clinic-1/a'));
      b.transport.close();
      await eventually('a to see b leave', () => a.reachabilityOf('clinic-1/b').length === 2);
      expect(a.reachabilityOf('clinic-1/b')).toEqual([true, false]);
      expect(b.reachabilityOf('clinic-1/a')).toEqual([true]);
    });

    it('reports a peer unreachable after it dies without closing', async () => {
      const [a, b] = await connectAll('clinic-1/a', 'clinic-1/b');
      bed.kill(b!.transport);
      await eventually('a to see b die', () => a!.reachabilityOf('clinic-1/b').length === 2, bed.deathDetectionMsMax);
      expect(a!.reachabilityOf('clinic-1/b')).toEqual([true, false]);
    });

    it('reaches a restarted device under its old id, and only its new life', async () => {
      const [a, b] = await connectAll('clinic-1/a', 'clinic-1/b');
      b!.transport.close();
      await eventually('a to see b leave', () => !a!.sees('clinic-1/b'));
      const restarted = connect('clinic-1/b');
      await eventually('a to see b again', () => a!.sees('clinic-1/b') && restarted.sees('clinic-1/a'));
      a!.transport.send('clinic-1/b', Uint8Array.of(7));
      await eventually('the message at the restarted b', () => restarted.messageCount() === 1);
      await bed.settle();
      expect(a!.reachabilityOf('clinic-1/b')).toEqual([true, false, true]);
      expect(b!.messageCount()).toBe(0);
    });
  });
}
