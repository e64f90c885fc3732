// The PeerJS transport in real Chromium over real WebRTC data channels, signaled by the runner's PeerServer,
// every link through the real device-identity handshake (WebCrypto keys, certificates of a test clinic
// authority). Several devices share one page here; separate browser contexts are the multi-device specs'
// job. Chromium only (Node has no RTCPeerConnection): listed in browser-specs.ts.
import { Peer, type DataConnection } from 'peerjs';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import type { NodeId } from '../../src/raft/types.js';
import { PeerJsTransport, type PeerJsTransportLimits } from '../../src/transport/peerjs-transport.js';
import type { TransportEvent } from '../../src/transport/peer-transport.js';
import { controlSignaling, signalingEndpoint } from '../browser/run-environment.js';
import { TestClinicAuthority, type EnrolledDevice } from '../device-identity/test-clinic-authority.js';
import { describeTransportContract, type TransportTestBed } from './transport-contract.js';

/** Fast heartbeats and redials so deaths and restarts show within a spec. */
const fastLimits: Partial<PeerJsTransportLimits> = {
  heartbeatIntervalMs: 100,
  silentIntervalsMax: 5,
  handshakeTimeoutMs: 5000,
  // A dial that reached a closed device's old socket at the server is never answered: try again soon.
  dialTimeoutMs: 1500,
  redialBackoff: { firstDelayMs: 100, delayMsMax: 800, multiplier: 2 },
  signalingBackoff: { firstDelayMs: 200, delayMsMax: 1000, multiplier: 2 },
  signalingOpenTimeoutMs: 2000,
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Links take signaling round trips, ICE, DTLS and the handshake: seconds on a loaded CI machine. */
let diagnosis: () => string = () => '';

async function eventually(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  for (let waitedMs = 0; !condition(); waitedMs += 10) {
    if (waitedMs >= timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${diagnosis()}`);
    await sleep(10);
  }
}

let bedsMade = 0;

/** A device enrolled by another authority than the bed's: of another clinic, or forged. */
interface Impostor {
  readonly authority: TestClinicAuthority;
  readonly device: EnrolledDevice;
}

/** Devices of one test clinic on the runner's PeerServer; each bed has PeerJS ids no other bed uses. */
class PeerJsTestBed implements TransportTestBed {
  readonly deathDetectionMsMax = 5000;
  readonly arrivalTimeoutMs = 8000;
  readonly transports: PeerJsTransport[] = [];
  private readonly bedId = `${++bedsMade}x${Math.floor(Math.random() * 1e9).toString(36)}`;
  private readonly peerIdsByNode = new Map<NodeId, string>();
  private readonly tokens = new Map<NodeId, string>();
  private readonly muted = new WeakMap<PeerJsTransport, { killed: boolean }>();
  private readonly random = new SeededRandom(Math.floor(Math.random() * 2 ** 31));

  constructor(
    private readonly authority: TestClinicAuthority,
    private readonly devices: ReadonlyMap<NodeId, EnrolledDevice>,
    private readonly limits: Partial<PeerJsTransportLimits> = fastLimits,
  ) {}

  readonly peerIds = {
    toPeerId: (nodeId: NodeId): string => {
      let peerId = this.peerIdsByNode.get(nodeId);
      if (peerId === undefined) {
        peerId = `cm${this.bedId}_${this.peerIdsByNode.size}`;
        this.peerIdsByNode.set(nodeId, peerId);
      }
      return peerId;
    },
    toNodeId: (peerId: string): NodeId | null => [...this.peerIdsByNode].find(([, id]) => id === peerId)?.[0] ?? null,
  };

  connect(localId: NodeId, options: { readonly onListenerError: (error: unknown) => void }, identity?: Impostor): PeerJsTransport {
    const device = identity?.device ?? this.devices.get(localId);
    if (device === undefined) throw new Error(`no enrolled device for ${localId}`);
    const { host, port, path, key } = signalingEndpoint();
    if (!this.tokens.has(localId)) this.tokens.set(localId, `token${Math.floor(Math.random() * 1e12).toString(36)}`);
    const mute = { killed: false };
    const transport = new PeerJsTransport({
      localId,
      peerIds: this.peerIds,
      signaling: { host, port, path, key, secure: false, token: this.tokens.get(localId)! },
      handshake: (identity?.authority ?? this.authority).handshakeOf(device, Date.now()),
      random: this.random,
      limits: this.limits,
      onListenerError: options.onListenerError,
      createPeer: (peerId, peerOptions) => mutable(new Peer(peerId, peerOptions), mute),
    });
    this.muted.set(transport, mute);
    this.transports.push(transport);
    this.peerIds.toPeerId(localId);
    this.updateRosters();
    return transport;
  }

  kill(transport: { readonly localId: NodeId }): void {
    const mute = this.muted.get(transport as PeerJsTransport);
    if (mute === undefined) throw new Error('not a transport of this bed');
    mute.killed = true;
  }

  settle(): Promise<void> {
    return sleep(300);
  }

  diagnose(): string {
    return this.transports.map((transport) => `${transport.localId}: ${JSON.stringify(transport.status())}`).join('; ');
  }

  dispose(): void {
    this.transports.forEach((transport) => transport.close());
  }

  /** Every device keeps links with every other, as the clinic's members do. */
  private updateRosters(): void {
    const everyone = [...this.peerIdsByNode.keys()];
    for (const transport of this.transports) transport.setRoster(everyone);
  }
}

/** A peer whose connections go mute (send nothing, not even a close) once `mute.killed`: a page that froze or died. */
function mutable(peer: Peer, mute: { killed: boolean }): Peer {
  const silence = (connection: DataConnection): void => {
    const send = connection.send.bind(connection);
    const close = connection.close.bind(connection);
    connection.send = (...args: Parameters<DataConnection['send']>) => (mute.killed ? undefined : send(...args));
    connection.close = (...args: Parameters<DataConnection['close']>) => (mute.killed ? undefined : close(...args));
  };
  const connect = peer.connect.bind(peer);
  peer.connect = (...args: Parameters<Peer['connect']>) => {
    const connection = connect(...args);
    silence(connection);
    return connection;
  };
  peer.on('connection', silence);
  return peer;
}

describe('the PeerJS transport', () => {
  const deviceIds = ['clinic-1/a', 'clinic-1/b', 'clinic-1/c'];
  let authority: TestClinicAuthority;
  const devices = new Map<NodeId, EnrolledDevice>();

  beforeAll(async () => {
    authority = await TestClinicAuthority.create('clinic-1');
    for (const deviceId of deviceIds) devices.set(deviceId, await authority.enroll(deviceId));
  });

  describeTransportContract('PeerJS over WebRTC in Chromium', () => new PeerJsTestBed(authority, devices));

  describe('beyond the contract', () => {
    let bed: PeerJsTestBed;
    const events = new Map<PeerJsTransport, TransportEvent[]>();

    beforeEach(() => {
      bed = new PeerJsTestBed(authority, devices);
      diagnosis = () => bed.diagnose();
      events.clear();
    });

    afterEach(() => bed.dispose());

    function connect(localId: NodeId, identity?: Impostor): PeerJsTransport {
      const transport = bed.connect(localId, { onListenerError: (error) => fail(error) }, identity);
      const seen: TransportEvent[] = [];
      events.set(transport, seen);
      transport.listen((event) => seen.push(event));
      return transport;
    }

    const messagesAt = (transport: PeerJsTransport): Uint8Array[] =>
      (events.get(transport) ?? []).flatMap((event) => (event.type === 'message' ? [event.bytes] : []));

    it('refuses a device of another clinic before a single message crosses, and counts it on both sides', async () => {
      const elsewhere = await TestClinicAuthority.create('clinic-2');
      const stranger = await elsewhere.enroll('clinic-1/c');
      const a = connect('clinic-1/a');
      const b = connect('clinic-1/b');
      const c = connect('clinic-1/c', { authority: elsewhere, device: stranger });
      await eventually('a and b to link', () => a.status().linkedPeers.includes('clinic-1/b'));
      await eventually('a to refuse the stranger', () => (a.status().counters.linksRefused['badSignature'] ?? 0) >= 1);
      await eventually('b to refuse the stranger', () => (b.status().counters.linksRefused['badSignature'] ?? 0) >= 1);
      for (let index = 0; index < 20; index++) {
        a.send('clinic-1/c', Uint8Array.of(index));
        b.send('clinic-1/c', Uint8Array.of(index));
        c.send('clinic-1/a', Uint8Array.of(index));
        c.send('clinic-1/b', Uint8Array.of(index));
      }
      await bed.settle();
      expect(messagesAt(c)).toEqual([]);
      expect(messagesAt(a)).toEqual([]);
      expect(messagesAt(b)).toEqual([]);
      expect(a.status().linkedPeers).toEqual(['clinic-1/b']);
      expect(c.status().linkedPeers).toEqual([]);
      expect(a.status().recentRefusals[0]).toEqual(jasmine.objectContaining({ refusal: 'badSignature', by: 'local' }));
      expect(Object.values(c.status().counters.linksRefused).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
    }, 40_000);

    it('refuses a forged certificate (this clinic\'s name, signed by another key)', async () => {
      const forger = await TestClinicAuthority.create('clinic-1');
      const forged = await forger.enroll('clinic-1/c');
      const a = connect('clinic-1/a');
      const c = connect('clinic-1/c', { authority: forger, device: forged });
      // The forger judges a by its own (other) anchor too: whichever side checks first refuses the link.
      const refusals = (): number => Object.values(a.status().counters.linksRefused).reduce((sum, count) => sum + count, 0);
      await eventually('the link to the forgery to be refused', () => refusals() >= 1);
      c.send('clinic-1/a', Uint8Array.of(1));
      await bed.settle();
      expect(messagesAt(a)).toEqual([]);
      expect(a.status().linkedPeers).toEqual([]);
    }, 40_000);

    it('keeps its links when the signaling server goes away, and signals again when it is back', async () => {
      const a = connect('clinic-1/a');
      const b = connect('clinic-1/b');
      await eventually('a and b to link', () => a.status().linkedPeers.includes('clinic-1/b') && b.status().linkedPeers.includes('clinic-1/a'));
      await controlSignaling('stop');
      try {
        await eventually('both to notice signaling is lost', () => a.status().signaling !== 'open' && b.status().signaling !== 'open');
        for (let index = 0; index < 50; index++) a.send('clinic-1/b', Uint8Array.of(index));
        // Longer than the heartbeat silence limit: the link lives on without the server.
        await sleep(1500);
        expect(messagesAt(b).length).toBe(50);
        expect(b.status().linkedPeers).toEqual(['clinic-1/a']);
      } finally {
        await controlSignaling('start');
      }
      await eventually('both to signal again', () => a.status().signaling === 'open' && b.status().signaling === 'open');
      // A new device can join through the server again.
      const c = connect('clinic-1/c');
      await eventually('c to link with a', () => c.status().linkedPeers.includes('clinic-1/a'));
    }, 40_000);

    it('closes an offer that lacks the dial metadata before any handshake, and counts it', async () => {
      const a = connect('clinic-1/a');
      await eventually('a to register', () => a.status().signaling === 'open');
      // A PeerJS client under a clinic device's id, dialing as plain PeerJS does: no dial sequence.
      const { host, port, path, key } = signalingEndpoint();
      const stranger = new Peer(bed.peerIds.toPeerId('clinic-1/c'), { host, port, path, key, secure: false, token: 'plainpeerjs', debug: 0 });
      try {
        await new Promise<void>((resolve, reject) => {
          stranger.on('open', () => resolve());
          stranger.on('error', reject);
        });
        const connection = stranger.connect(bed.peerIds.toPeerId('clinic-1/a'), { reliable: true, serialization: 'raw' });
        const received: unknown[] = [];
        connection.on('data', (data) => received.push(data));
        await eventually('a to count the offer', () => a.status().counters.protocolErrors === 1);
        await sleep(300);
        expect(received).toEqual([]);
        expect(a.status().linkedPeers).toEqual([]);
        expect(a.status().counters.linksAccepted).toBe(0);
      } finally {
        stranger.destroy();
      }
    });

    it('carries a message of 8 MiB, the size of a clinic snapshot, intact', async () => {
      // Every device of this spec shares one page's main thread, and CI's machine is busy: a 10 s silence limit
      // here, not 0.5 s (a device's default is 5 s). Chunks count as signs of life, but on a loaded machine the
      // channel itself was seen to deliver nothing for over 3 s mid-transfer; the receiver then (rightly) took
      // the link for dead and the message went with it, which is the transport's contract (Raft sends again)
      // but not what this spec is about.
      bed.dispose();
      bed = new PeerJsTestBed(authority, devices, { ...fastLimits, silentIntervalsMax: 100 });
      const a = connect('clinic-1/a');
      const b = connect('clinic-1/b');
      await eventually('a and b to link', () => a.status().linkedPeers.includes('clinic-1/b'));
      const large = new Uint8Array(8 << 20);
      for (let index = 0; index < large.byteLength; index++) large[index] = (index * 13 + 5) & 0xff;
      a.send('clinic-1/b', large);
      a.send('clinic-1/b', Uint8Array.of(42));
      await eventually('both messages at b', () => messagesAt(b).length === 2, 20_000).catch((error: Error) => {
        throw new Error(`${error.message}; a: ${JSON.stringify(a.status())}; b: ${JSON.stringify(b.status())}`);
      });
      const [received, after] = messagesAt(b);
      expect(received!.byteLength).toBe(large.byteLength);
      expect(received!.every((byte, index) => byte === large[index])).toBeTrue();
      expect(after).toEqual(Uint8Array.of(42));
    }, 40_000);

    it('takes its id back at once after a restart, with the token it kept', async () => {
      const a = connect('clinic-1/a');
      const b = connect('clinic-1/b');
      await eventually('a and b to link', () => a.status().linkedPeers.includes('clinic-1/b'));
      // Killed, not closed: the server still holds b's id when the new life registers it.
      bed.kill(b);
      const restarted = connect('clinic-1/b');
      await eventually('the restarted b to register and link', () => restarted.status().signaling === 'open' && restarted.status().linkedPeers.includes('clinic-1/a'));
      a.send('clinic-1/b', Uint8Array.of(9));
      await eventually('the message at the restarted b', () => messagesAt(restarted).length === 1);
      // The old life's link was seen dead and dialed again, within about the silence limit, not a server timeout.
      expect(restarted.status().counters.signalingReconnects).toBe(0);
    }, 40_000);
  });
});
