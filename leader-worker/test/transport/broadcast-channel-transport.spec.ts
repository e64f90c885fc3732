import {
  BroadcastChannelTransport,
  broadcastChannelFrameProtocol,
  openBroadcastChannel,
  type IntervalTimers,
} from '../../src/transport/broadcast-channel-transport.js';
import type { PeerTransport, TransportEvent } from '../../src/transport/peer-transport.js';
import { describeTransportContract, type TransportTestBed } from './transport-contract.js';

/** Short real heartbeats so a death shows within a test, with room for a busy event loop: 10 silent intervals. */
const fastLimits = { heartbeatIntervalMs: 20, peerTimeoutMs: 200 };

let channelsOpened = 0;
/** A channel name no other test uses, so tests running one after another never hear each other. */
const freshChannelName = (): string => `clinic-mesh-test/${++channelsOpened}/${Math.floor(Math.random() * 1e9)}`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(what: string, condition: () => boolean, timeoutMs = 2000): Promise<void> {
  for (let waitedMs = 0; !condition(); waitedMs += 5) {
    if (waitedMs >= timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A round trip between two other channel objects, then a margin: what was posted before has arrived by then. */
async function settleChannel(channelName: string): Promise<void> {
  let heard = false;
  const listener = openBroadcastChannel(channelName, () => (heard = true));
  const speaker = openBroadcastChannel(channelName, () => undefined);
  speaker.post('settle probe');
  try {
    await eventually('the settle probe', () => heard);
    await sleep(30);
  } finally {
    listener.close();
    speaker.close();
  }
}

describeTransportContract('BroadcastChannelTransport', (): TransportTestBed => {
  const channelName = freshChannelName();
  const transports: PeerTransport[] = [];
  const killers = new Map<PeerTransport, () => void>();
  return {
    connect(localId, options) {
      let dead = false;
      let closeChannel = (): void => undefined;
      const transport = new BroadcastChannelTransport({
        localId,
        channelName,
        limits: fastLimits,
        onListenerError: options.onListenerError,
        // A channel that can fall silent both ways at once, as a killed tab's does; its timers still run.
        openChannel: (name, receive) => {
          const endpoint = openBroadcastChannel(name, (data) => {
            if (!dead) receive(data);
          });
          closeChannel = () => endpoint.close();
          return { post: (frame) => (dead ? undefined : endpoint.post(frame)), close: () => endpoint.close() };
        },
      });
      killers.set(transport, () => {
        dead = true;
        closeChannel();
      });
      transports.push(transport);
      return transport;
    },
    kill: (transport) => killers.get(transport)?.(),
    settle: () => settleChannel(channelName),
    deathDetectionMsMax: 2000,
    dispose: () => transports.forEach((transport) => transport.close()),
  };
});

/** Heartbeat timers the test fires by hand. */
class ManualTimers implements IntervalTimers {
  private readonly callbacks = new Set<() => void>();

  every(_intervalMs: number, callback: () => void): () => void {
    const entry = (): void => callback();
    this.callbacks.add(entry);
    return () => this.callbacks.delete(entry);
  }

  fire(times = 1): void {
    for (let round = 0; round < times; round++) for (const callback of [...this.callbacks]) callback();
  }

  get running(): number {
    return this.callbacks.size;
  }
}

function record(transport: PeerTransport): TransportEvent[] {
  const events: TransportEvent[] = [];
  transport.listen((event) => events.push(event));
  return events;
}

const reachability = (events: TransportEvent[], peerId: string): boolean[] =>
  events.flatMap((event) => (event.type === 'peer' && event.peerId === peerId ? [event.reachable] : []));

const messages = (events: TransportEvent[]): { from: string; bytes: number[] }[] =>
  events.flatMap((event) => (event.type === 'message' ? [{ from: event.from, bytes: [...event.bytes] }] : []));

describe('transport: BroadcastChannelTransport', () => {
  const opened: { close(): void }[] = [];
  let channelName: string;

  beforeEach(() => {
    channelName = freshChannelName();
  });

  afterEach(() => opened.splice(0).forEach((each) => each.close()));

  function transport(localId: string, options: { timers?: IntervalTimers; peersMax?: number; name?: string } = {}): BroadcastChannelTransport {
    const limits = { heartbeatIntervalMs: 1000, peerTimeoutMs: 3000, ...(options.peersMax === undefined ? {} : { peersMax: options.peersMax }) };
    const created = new BroadcastChannelTransport({ localId, channelName: options.name ?? channelName, limits, timers: options.timers ?? new ManualTimers() });
    opened.push(created);
    return created;
  }

  /** A raw channel on the clinic's name, to post frames as a foreign or broken tab would. */
  function rawChannel(): { post(frame: unknown): void } {
    const raw = openBroadcastChannel(channelName, () => undefined);
    opened.push(raw);
    return raw;
  }

  it('declares a silent peer unreachable after exactly the timeout in intervals, and reachable when it beats again', async () => {
    const timersOfA = new ManualTimers();
    const timersOfB = new ManualTimers();
    const a = transport('a', { timers: timersOfA });
    const atA = record(a);
    transport('b', { timers: timersOfB });
    await eventually('a to hear b join', () => reachability(atA, 'b').length === 1);
    await settleChannel(channelName);
    timersOfA.fire(3);
    expect(reachability(atA, 'b')).toEqual([true]);
    timersOfA.fire();
    expect(reachability(atA, 'b')).toEqual([true, false]);
    timersOfB.fire();
    await eventually('a to hear b beat again', () => reachability(atA, 'b').length === 3);
    expect(reachability(atA, 'b')).toEqual([true, false, true]);
  });

  it('stops its heartbeat timer on close', () => {
    const timers = new ManualTimers();
    const a = transport('a', { timers });
    expect(timers.running).toBe(1);
    a.close();
    expect(timers.running).toBe(0);
  });

  it('ignores foreign, malformed and self-addressed frames, counts them, and still takes a good one', async () => {
    const a = transport('a');
    const atA = record(a);
    const raw = rawChannel();
    const frame = { protocol: broadcastChannelFrameProtocol, type: 'data', from: 'ghost', to: 'a', bytes: Uint8Array.of(5) };
    raw.post('hello');
    raw.post({ ...frame, protocol: 'another-app/1' });
    raw.post({ ...frame, bytes: 'not bytes' });
    raw.post({ ...frame, from: '' });
    raw.post({ ...frame, from: 'x'.repeat(129) });
    raw.post({ ...frame, type: 'teleport' });
    raw.post({ ...frame, from: 'a' });
    raw.post(frame);
    await eventually('the good frame', () => messages(atA).length === 1);
    expect(messages(atA)).toEqual([{ from: 'ghost', bytes: [5] }]);
    expect(a.counters.framesDropped).toBe(7);
  });

  it('ignores data addressed to another tab, but counts its sender as alive', async () => {
    const a = transport('a');
    const atA = record(a);
    rawChannel().post({ protocol: broadcastChannelFrameProtocol, type: 'data', from: 'b', to: 'c', bytes: Uint8Array.of(1) });
    await eventually('a to hear b', () => reachability(atA, 'b').length === 1);
    await settleChannel(channelName);
    expect(messages(atA)).toEqual([]);
  });

  it('never lets tabs of two clinics hear each other', async () => {
    const a = transport('a', { name: `${channelName}/clinic-1` });
    const b = transport('b', { name: `${channelName}/clinic-2` });
    const atA = record(a);
    const atB = record(b);
    a.send('b', Uint8Array.of(1));
    await settleChannel(`${channelName}/clinic-1`);
    await settleChannel(`${channelName}/clinic-2`);
    expect(atA).toEqual([]);
    expect(atB).toEqual([]);
  });

  it('tracks at most peersMax peers and drops frames from any more', async () => {
    const a = transport('a', { peersMax: 3 });
    const atA = record(a);
    const raw = rawChannel();
    for (const peer of ['p1', 'p2', 'p3', 'p4', 'p5']) {
      raw.post({ protocol: broadcastChannelFrameProtocol, type: 'data', from: peer, to: 'a', bytes: Uint8Array.of(1) });
    }
    await eventually('frames from five peers to be handled', () => a.counters.messagesDelivered + a.counters.framesDropped === 5);
    expect(atA.flatMap((event) => (event.type === 'peer' ? [event.peerId] : []))).toEqual(['p1', 'p2', 'p3']);
    expect(messages(atA).map((message) => message.from)).toEqual(['p1', 'p2', 'p3']);
    expect(a.counters.framesDropped).toBe(2);
  });

  it('refuses a timeout shorter than two heartbeats', () => {
    expect(() => new BroadcastChannelTransport({ localId: 'a', channelName, limits: { heartbeatIntervalMs: 1000, peerTimeoutMs: 1500 }, timers: new ManualTimers() })).toThrowError(/two heartbeats/);
  });
});
