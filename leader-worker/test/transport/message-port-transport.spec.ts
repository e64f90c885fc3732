import type { IntervalTimers } from '../../src/transport/broadcast-channel-transport.js';
import { InMemoryNetwork } from '../../src/transport/in-memory-network.js';
import {
  MessagePortBridge, MessagePortTransport, messagePortFrameProtocol, type FramePort, type WorkerGoneReason,
} from '../../src/transport/message-port-transport.js';
import type { PeerTransport, TransportEvent } from '../../src/transport/peer-transport.js';
import { describeTransportContract, type TransportTestBed } from './transport-contract.js';

/** Short real heartbeats so a dead worker shows within a test, with room for a busy event loop: 10 silent checks. */
const fastWorkerLimits = { heartbeatIntervalMs: 20 };
const fastBridgeLimits = { checkIntervalMs: 20, workerSilenceMsMax: 200 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(what: string, condition: () => boolean, timeoutMs = 2000): Promise<void> {
  for (let waitedMs = 0; !condition(); waitedMs += 5) {
    if (waitedMs >= timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A round trip through another channel, then a margin: what was posted on the ports before has arrived. */
async function settlePorts(): Promise<void> {
  const probe = new MessageChannel();
  let heard = false;
  probe.port2.onmessage = () => (heard = true);
  probe.port1.postMessage('settle probe');
  try {
    await eventually('the settle probe', () => heard);
    await sleep(30);
  } finally {
    probe.port1.close();
    probe.port2.close();
  }
}

/** The worker's end of a channel, which can die as a killed worker does: it falls silent both ways, at once. */
function dyingPort(port: MessagePort): { readonly port: FramePort; kill(): void } {
  let dead = false;
  let handler: ((event: MessageEvent) => void) | null = null;
  const framePort: FramePort = {
    postMessage: (message, transfer) => (dead ? undefined : port.postMessage(message, transfer)),
    get onmessage() {
      return handler;
    },
    set onmessage(next) {
      handler = next;
      port.onmessage = next === null ? null : (event) => (dead ? undefined : next(event));
    },
    close: () => port.close(),
  };
  return { port: framePort, kill: () => (dead = true) };
}

describeTransportContract('MessagePortTransport (bridged to an in-memory network)', (): TransportTestBed => {
  const network = new InMemoryNetwork();
  const transports: PeerTransport[] = [];
  const bridges: MessagePortBridge[] = [];
  const killers = new Map<PeerTransport, () => void>();
  return {
    connect(localId, options) {
      const channel = new MessageChannel();
      const worker = dyingPort(channel.port2);
      bridges.push(new MessagePortBridge({ port: channel.port1, transport: network.connect(localId), limits: fastBridgeLimits }));
      const transport = new MessagePortTransport({ localId, port: worker.port, limits: fastWorkerLimits, onListenerError: options.onListenerError });
      killers.set(transport, worker.kill);
      transports.push(transport);
      return transport;
    },
    kill: (transport) => killers.get(transport)?.(),
    settle: settlePorts,
    deathDetectionMsMax: 2000,
    dispose: () => {
      transports.forEach((transport) => transport.close());
      bridges.forEach((bridge) => bridge.close());
    },
  };
});

/** Interval timers the test fires by hand. */
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

/** The page's transport for one device, driven by the test. */
class StubPageTransport implements PeerTransport {
  readonly sent: { to: string; bytes: number[] }[] = [];
  closed = false;
  private listener: ((event: TransportEvent) => void) | null = null;

  constructor(readonly localId: string) {}

  send(to: string, bytes: Uint8Array): void {
    this.sent.push({ to, bytes: [...bytes] });
  }

  listen(listener: (event: TransportEvent) => void): void {
    this.listener = listener;
  }

  close(): void {
    this.closed = true;
  }

  deliver(event: TransportEvent): void {
    this.listener?.(event);
  }
}

/** A port that records what is posted on it, with the transfer list. */
class RecordingPort implements FramePort {
  readonly posted: { message: unknown; transfer: Transferable[] }[] = [];
  onmessage: ((event: MessageEvent) => void) | null = null;
  closed = false;

  postMessage(message: unknown, transfer: Transferable[]): void {
    this.posted.push({ message, transfer });
  }

  close(): void {
    this.closed = true;
  }

  receive(data: unknown): void {
    this.onmessage?.({ data } as MessageEvent);
  }
}

describe('transport: MessagePortTransport and MessagePortBridge', () => {
  const opened: { close(): void }[] = [];

  afterEach(() => opened.splice(0).forEach((each) => each.close()));

  function bridge(transport: PeerTransport, port: FramePort, timers = new ManualTimers(), onWorkerGone?: (reason: WorkerGoneReason) => void): MessagePortBridge {
    const created = new MessagePortBridge({
      port, transport, timers, limits: { checkIntervalMs: 1000, workerSilenceMsMax: 3000 }, ...(onWorkerGone === undefined ? {} : { onWorkerGone }),
    });
    opened.push(created);
    return created;
  }

  function workerTransport(localId: string, port: FramePort): MessagePortTransport {
    const created = new MessagePortTransport({ localId, port, timers: new ManualTimers() });
    opened.push(created);
    return created;
  }

  it('hands the bytes the page received to the worker by transfer, not by copy', async () => {
    const channel = new MessageChannel();
    const page = new StubPageTransport('tablet-1');
    bridge(page, channel.port1);
    const worker = workerTransport('tablet-1', channel.port2);
    const received: TransportEvent[] = [];
    worker.listen((event) => received.push(event));
    const bytes = Uint8Array.of(1, 2, 3, 4);
    page.deliver({ type: 'message', from: 'tablet-2', bytes });
    expect(bytes.buffer.byteLength).withContext('the page buffer is detached: it moved to the worker').toBe(0);
    await eventually('the message in the worker', () => received.length === 1);
    expect(received).toEqual([{ type: 'message', from: 'tablet-2', bytes: Uint8Array.of(1, 2, 3, 4) }]);
  });

  it('sends from the worker one copy of the bytes, and transfers that copy', () => {
    const port = new RecordingPort();
    const worker = workerTransport('tablet-1', port);
    const bytes = Uint8Array.of(9, 8, 7);
    worker.send('tablet-2', bytes);
    const { message, transfer } = port.posted.at(-1)!;
    const frame = message as { type: string; to: string; bytes: ArrayBuffer };
    expect(frame.type).toBe('data');
    expect(frame.to).toBe('tablet-2');
    expect(transfer).toEqual([frame.bytes]);
    expect(frame.bytes).not.toBe(bytes.buffer);
    expect([...new Uint8Array(frame.bytes)]).toEqual([9, 8, 7]);
  });

  it('carries the page\'s reachability reports to the worker', async () => {
    const channel = new MessageChannel();
    const page = new StubPageTransport('tablet-1');
    bridge(page, channel.port1);
    const worker = workerTransport('tablet-1', channel.port2);
    const received: TransportEvent[] = [];
    worker.listen((event) => received.push(event));
    page.deliver({ type: 'peer', peerId: 'tablet-2', reachable: true });
    page.deliver({ type: 'peer', peerId: 'tablet-2', reachable: false });
    await eventually('both reports in the worker', () => received.length === 2);
    expect(received).toEqual([{ type: 'peer', peerId: 'tablet-2', reachable: true }, { type: 'peer', peerId: 'tablet-2', reachable: false }]);
  });

  it('drops, and counts, frames in which the worker speaks for another device or that are malformed', () => {
    const port = new RecordingPort();
    const page = new StubPageTransport('tablet-1');
    const link = bridge(page, port);
    const data = { protocol: messagePortFrameProtocol, type: 'data', from: 'tablet-1', to: 'tablet-2', bytes: Uint8Array.of(5).buffer };
    port.receive('hello');
    port.receive({ ...data, protocol: 'another-app/1' });
    port.receive({ ...data, from: 'tablet-3' });
    port.receive({ ...data, bytes: [5] });
    port.receive({ ...data, to: '' });
    port.receive({ ...data, type: 'teleport' });
    port.receive(data);
    expect(page.sent).toEqual([{ to: 'tablet-2', bytes: [5] }]);
    expect(link.counters).toEqual({ framesDropped: 6, messagesDelivered: 1 });
  });

  it('drops, and counts, malformed frames from the page, and data for another device', () => {
    const port = new RecordingPort();
    const worker = workerTransport('tablet-1', port);
    const received: TransportEvent[] = [];
    worker.listen((event) => received.push(event));
    const data = { protocol: messagePortFrameProtocol, type: 'data', from: 'tablet-2', to: 'tablet-1', bytes: Uint8Array.of(6).buffer };
    port.receive(null);
    port.receive({ ...data, to: 'tablet-3' });
    port.receive({ ...data, from: 'tablet-1' });
    port.receive({ ...data, bytes: 'six' });
    port.receive({ protocol: messagePortFrameProtocol, type: 'peer', peerId: 'tablet-2', reachable: 'yes' });
    port.receive(data);
    expect(received).toEqual([{ type: 'message', from: 'tablet-2', bytes: Uint8Array.of(6) }]);
    expect(worker.counters).toEqual({ framesDropped: 5, messagesDelivered: 1 });
  });

  it('closes the page\'s transport when the worker falls silent for the limit, and says so once', () => {
    const timers = new ManualTimers();
    const port = new RecordingPort();
    const page = new StubPageTransport('tablet-1');
    const reasons: WorkerGoneReason[] = [];
    const link = bridge(page, port, timers, (reason) => reasons.push(reason));
    timers.fire(2);
    port.receive({ protocol: messagePortFrameProtocol, type: 'heartbeat', from: 'tablet-1' });
    timers.fire(3);
    expect(page.closed).withContext('a heartbeat restarts the count').toBeFalse();
    timers.fire();
    expect(page.closed).toBeTrue();
    expect(port.closed).toBeTrue();
    expect(link.isClosed).toBeTrue();
    expect(timers.running).toBe(0);
    expect(reasons).toEqual(['silent']);
  });

  it('closes the page\'s transport when the worker\'s transport closes', async () => {
    const channel = new MessageChannel();
    const page = new StubPageTransport('tablet-1');
    const reasons: WorkerGoneReason[] = [];
    bridge(page, channel.port1, new ManualTimers(), (reason) => reasons.push(reason));
    workerTransport('tablet-1', channel.port2).close();
    await eventually('the bridge to hear the goodbye', () => page.closed);
    expect(reasons).toEqual(['left']);
  });

  it('stops its heartbeat timer on close, and sends nothing after', () => {
    const timers = new ManualTimers();
    const port = new RecordingPort();
    const worker = new MessagePortTransport({ localId: 'tablet-1', port, timers });
    expect(timers.running).toBe(1);
    worker.close();
    const postedAtClose = port.posted.length;
    worker.send('tablet-2', Uint8Array.of(1));
    expect(timers.running).toBe(0);
    expect(port.posted.length).toBe(postedAtClose);
    expect((port.posted.at(-1)!.message as { type: string }).type).toBe('leave');
  });

  it('refuses a silence limit shorter than two checks', () => {
    expect(() => new MessagePortBridge({ port: new RecordingPort(), transport: new StubPageTransport('a'), timers: new ManualTimers(), limits: { checkIntervalMs: 1000, workerSilenceMsMax: 1500 } }))
      .toThrowError(/two check intervals/);
  });
});
