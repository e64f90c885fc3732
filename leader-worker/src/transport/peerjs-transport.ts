// Devices of a clinic over WebRTC data channels, with PeerJS for signaling: the transport of a real clinic.
// It runs on the page (RTCPeerConnection does not exist in workers); a MessagePortBridge relays it to the
// node's Worker.
//
// - Fixed PeerJS ids (clinic + device, `peerIds`), registered with the token central issued, so a restarted
//   device takes its id back at once.
// - Every link starts with the device-identity handshake (LinkHandshake); until it is accepted nothing but
//   handshake frames crosses, and a refused link is closed and counted.
// - One ordered, reliable channel per pair of devices, carrying our own frames ('raw' serialization): Raft
//   messages of any size in 64 KiB chunks, and heartbeats, because PeerJS's `close` often never fires when
//   the other page dies. A silent link is closed and dialed again with backoff and jitter.
// - LAN only unless configured: no public STUN or TURN server is ever contacted by default.
// - Signaling lost (central or the router down): links already open keep working; the transport reconnects
//   to the signaling server in the background.
import { Peer, type DataConnection, type PeerJSOption } from 'peerjs';
import type { HandshakeStep, LinkContext, LinkHandshake, LinkRole } from '../device-identity/link-handshake.js';
import { assert } from '../invariants/assert.js';
import type { NodeId, RandomSource } from '../raft/types.js';
import { retryDelayMs, type RetryBackoff } from '../uplink/retry-backoff.js';
import { defaultWireLimits } from '../wire/peer-message-codec.js';
import { dialMetadata, dialsUnprompted, readDialSequence, replacesKeptLink } from './link-choice.js';
import { chunkMessage, decodeLinkFrame, encodeControlFrame, encodeHandshakeFrame, MessageReassembly } from './link-frames.js';
import { PeerPresence } from './peer-presence.js';
import { deliverToListener, logListenerError, type PeerTransport, type TransportEvent, type TransportListener } from './peer-transport.js';

export interface PeerJsTransportLimits {
  readonly heartbeatIntervalMs: number;
  /** Heartbeat intervals without a frame after which a link is taken for dead. */
  readonly silentIntervalsMax: number;
  /** From the channel opening to both proofs checked. */
  readonly handshakeTimeoutMs: number;
  /** From dialing to the channel opening. */
  readonly dialTimeoutMs: number;
  /** Between tries to reach one peer. */
  readonly redialBackoff: RetryBackoff;
  /** Between tries to reach the signaling server. */
  readonly signalingBackoff: RetryBackoff;
  /** From registering with the server to its OPEN; past it the transport registers again. */
  readonly signalingOpenTimeoutMs: number;
  /** Bytes waiting to go out on one link; a message that would pass it is dropped (Raft sends again). */
  readonly queuedBytesMax: number;
  /** Bytes let into a channel's own buffer at once: a few LAN round trips' worth, far under Chrome's 16 MiB. */
  readonly channelBufferBytesMax: number;
  /** Links open or opening at once: a clinic has at most 20 devices. */
  readonly linksMax: number;
  /** Largest message accepted from a peer: a snapshot, until snapshots travel in chunks. */
  readonly messageBytesMax: number;
}

export const defaultPeerJsTransportLimits: PeerJsTransportLimits = {
  heartbeatIntervalMs: 1000,
  silentIntervalsMax: 5,
  handshakeTimeoutMs: 10_000,
  dialTimeoutMs: 10_000,
  redialBackoff: { firstDelayMs: 500, delayMsMax: 10_000, multiplier: 2 },
  signalingBackoff: { firstDelayMs: 1000, delayMsMax: 30_000, multiplier: 2 },
  signalingOpenTimeoutMs: 5000,
  queuedBytesMax: 32 << 20,
  channelBufferBytesMax: 1 << 20,
  linksMax: 64,
  messageBytesMax: defaultWireLimits.snapshotMessageBytesMax,
};

/** How node ids and PeerJS ids map: `${clinicId}_${deviceId}` at central (device-identity/peer-ids.ts, shared with central). */
export interface PeerIdMapping {
  toPeerId(nodeId: NodeId): string;
  /** The node a PeerJS id names, or null for an id that is no device of this clinic. */
  toNodeId(peerId: string): NodeId | null;
}

export interface SignalingServer {
  readonly host: string;
  readonly port: number;
  /** PeerServer's mount path, e.g. '/peerjs'. */
  readonly path: string;
  readonly key: string;
  readonly secure: boolean;
  /** The token central issued for this device's peer id; kept on the device, so a restart takes the id back at once. */
  readonly token: string;
  /** ICE servers: none by default (devices meet on the clinic's LAN). */
  readonly iceServers?: RTCIceServer[];
}

export interface PeerJsTransportOptions {
  readonly localId: NodeId;
  readonly peerIds: PeerIdMapping;
  readonly signaling: SignalingServer;
  /** A handshake for each new link: the device-identity check. */
  readonly handshake: (context: LinkContext) => LinkHandshake;
  /** Devices to keep links with (the clinic's members); others are reached when there is something to send. */
  readonly roster?: readonly NodeId[];
  readonly random: RandomSource;
  readonly limits?: Partial<PeerJsTransportLimits>;
  readonly onListenerError?: (error: unknown) => void;
  /** Builds the PeerJS peer; a test may wrap it. */
  readonly createPeer?: (peerId: string, options: PeerJSOption) => Peer;
}

export type LinkRefusalCounts = Record<string, number>;

export interface PeerJsTransportCounters {
  linksAccepted: number;
  /** Links closed in the handshake, by refusal ('otherClinic', 'badSignature', 'expired', ...). */
  linksRefused: LinkRefusalCounts;
  /** Connections from a PeerJS id that names no device of this clinic: closed before any handshake. */
  strangersTurnedAway: number;
  linksTimedOut: number;
  linksSilent: number;
  messagesDelivered: number;
  /** Sends with no open link (Raft sends again) or over queuedBytesMax. */
  messagesDropped: number;
  /** Malformed frames, frames out of turn, a message over messageBytesMax: each closes its link. */
  protocolErrors: number;
  signalingReconnects: number;
}

export interface PeerJsTransportStatus {
  readonly signaling: 'connecting' | 'open' | 'lost' | 'closed';
  /** Peers with an authenticated link. */
  readonly linkedPeers: readonly NodeId[];
  readonly counters: Readonly<PeerJsTransportCounters>;
  /** The last refusals, newest last, so an admin can see who tried. */
  readonly recentRefusals: readonly LinkRefusal[];
}

export interface LinkRefusal {
  readonly peerId: string;
  readonly refusal: string;
  readonly reason: string;
  /** Whether we refused the peer ('local') or the peer refused us ('remote'). */
  readonly by: 'local' | 'remote';
}

const recentRefusalsMax = 20;
/** How long a refused link stays open so the refusal's reason reaches the peer; it carries nothing else. */
const refusalLingerMs = 200;

type LinkState = 'opening' | 'handshaking' | 'open' | 'closed';

/** One data connection to one peer, from dialing or answering to closing. */
class Link {
  state: LinkState = 'opening';
  remoteLife = '';
  handshake: LinkHandshake | null = null;
  private readonly reassembly: MessageReassembly;
  private readonly incoming: Uint8Array[] = [];
  private draining = false;
  private timer: ReturnType<typeof setTimeout>;
  private readonly outbox: Uint8Array[] = [];
  private outboxBytes = 0;
  private pumpArmed = false;

  constructor(
    readonly connection: DataConnection,
    readonly role: LinkRole,
    readonly remoteId: NodeId,
    readonly dialer: NodeId,
    /** The dialer's count of its dials: which of two links both ends keep (link-choice.ts). */
    readonly dialSequence: number,
    private readonly owner: PeerJsTransport,
    private readonly limits: PeerJsTransportLimits,
  ) {
    this.reassembly = new MessageReassembly(limits.messageBytesMax);
    // A dialer waits dialTimeoutMs for the channel, then (timeHandshake) handshakeTimeoutMs for the handshake.
    this.timer = setTimeout(() => this.owner.linkTimedOut(this), role === 'dialer' ? limits.dialTimeoutMs : limits.handshakeTimeoutMs);
    connection.on('open', () => this.owner.linkOpened(this));
    connection.on('data', (data) => this.receive(data));
    connection.on('close', () => this.owner.linkClosed(this));
    connection.on('error', () => this.owner.linkClosed(this));
  }

  /**
   * The connection's own identity: both ends' DTLS fingerprints, the dialer's first, and the dial's sequence
   * (so a sequence altered on the way is caught by the handshake). Null when either fingerprint is missing.
   */
  binding(): string | null {
    const fingerprint = (description: RTCSessionDescription | null | undefined): string | null =>
      /^a=fingerprint:(.+)$/m.exec(description?.sdp ?? '')?.[1]?.trim() ?? null;
    const local = fingerprint(this.connection.peerConnection?.localDescription);
    const remote = fingerprint(this.connection.peerConnection?.remoteDescription);
    if (local === null || remote === null) return null;
    const fingerprints = this.role === 'dialer' ? `${local}|${remote}` : `${remote}|${local}`;
    return `${fingerprints}|dial ${this.dialSequence}`;
  }

  /** A control frame (handshake, heartbeat, goodbye): straight to the channel, ahead of any message waiting. */
  sendFrame(frame: Uint8Array): void {
    if (this.state === 'closed') return;
    const ownsBuffer = frame.byteOffset === 0 && frame.buffer.byteLength === frame.byteLength;
    void this.connection.send(ownsBuffer ? frame.buffer : frame.slice().buffer);
  }

  /**
   * A message's frames: they wait here and enter the channel only while its buffer is below
   * channelBufferBytesMax. So a snapshot never sits in front of the heartbeats in the channel (the other side
   * would take the silence for death), and PeerJS's own unbounded queue is never used.
   */
  sendMessage(frames: readonly Uint8Array[]): void {
    if (this.state === 'closed') return;
    for (const frame of frames) {
      this.outbox.push(frame);
      this.outboxBytes += frame.byteLength;
    }
    this.pump();
  }

  /** Bytes not yet on the network: waiting here, and in the channel's buffer. */
  queuedBytes(): number {
    return this.outboxBytes + this.channelBufferedBytes();
  }

  private channelBufferedBytes(): number {
    return (this.connection.dataChannel as RTCDataChannel | undefined)?.bufferedAmount ?? 0;
  }

  private pump(): void {
    const channel = this.connection.dataChannel as RTCDataChannel | undefined;
    if (channel === undefined || this.state !== 'open') return;
    if (!this.pumpArmed) {
      this.pumpArmed = true;
      channel.bufferedAmountLowThreshold = this.limits.channelBufferBytesMax / 2;
      channel.addEventListener('bufferedamountlow', () => this.pump());
    }
    while (this.outbox.length > 0 && channel.bufferedAmount < this.limits.channelBufferBytesMax) {
      const frame = this.outbox.shift()!;
      this.outboxBytes -= frame.byteLength;
      this.sendFrame(frame);
    }
  }

  /** @internal The handshake is done: messages may flow. */
  opened(): void {
    this.state = 'open';
    this.pump();
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.timer);
    this.incoming.length = 0;
    this.outbox.length = 0;
    this.outboxBytes = 0;
    this.connection.close();
  }

  settle(): void {
    clearTimeout(this.timer);
  }

  /** The channel opened: from now on the handshake has its own time limit. */
  timeHandshake(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.owner.linkTimedOut(this), this.limits.handshakeTimeoutMs);
  }

  private receive(data: unknown): void {
    if (this.state === 'closed') return;
    if (!(data instanceof ArrayBuffer)) {
      this.owner.protocolError(this);
      return;
    }
    this.incoming.push(new Uint8Array(data));
    void this.drain();
  }

  /** Frames one at a time, each handshake step awaited: a data frame never overtakes the proof before it. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.incoming.length > 0 && this.state !== 'closed') {
        await this.handleFrame(this.incoming.shift()!);
      }
    } finally {
      this.draining = false;
    }
  }

  private async handleFrame(bytes: Uint8Array): Promise<void> {
    const parsed = decodeLinkFrame(bytes);
    if (!parsed.ok) {
      this.owner.protocolError(this);
      return;
    }
    const { frame } = parsed;
    if (this.state === 'open') this.owner.heardFrom(this);
    switch (frame.kind) {
      case 'handshake':
        if (this.state !== 'handshaking' || this.handshake === null) {
          this.owner.protocolError(this);
          return;
        }
        this.owner.handshakeStep(this, await this.handshake.receive(frame.body.slice()));
        return;
      case 'goodbye':
        this.owner.linkClosed(this);
        return;
      case 'heartbeat':
        if (this.state !== 'open') this.owner.protocolError(this);
        return;
      case 'chunk': {
        if (this.state !== 'open') {
          this.owner.protocolError(this);
          return;
        }
        const message = this.reassembly.add(frame.body, frame.last);
        if (message === 'tooLarge') this.owner.protocolError(this);
        else if (message !== null) this.owner.delivered(this, message);
        return;
      }
    }
  }
}

export class PeerJsTransport implements PeerTransport {
  readonly localId: NodeId;
  private readonly limits: PeerJsTransportLimits;
  private readonly options: PeerJsTransportOptions;
  private readonly life: string;
  private readonly counters: PeerJsTransportCounters = {
    linksAccepted: 0,
    linksRefused: {},
    strangersTurnedAway: 0,
    linksTimedOut: 0,
    linksSilent: 0,
    messagesDelivered: 0,
    messagesDropped: 0,
    protocolErrors: 0,
    signalingReconnects: 0,
  };
  private readonly refusals: LinkRefusal[] = [];
  private readonly onListenerError: (error: unknown) => void;
  private readonly presence: PeerPresence;
  /** Every link not closed yet; at most limits.linksMax. */
  private readonly links = new Set<Link>();
  /** The one authenticated link kept per peer. */
  private readonly kept = new Map<NodeId, Link>();
  /** Peers whose next dial waits for its backoff, and how many dials failed in a row. */
  private readonly redials = new Map<NodeId, { failures: number; timer: ReturnType<typeof setTimeout> | null }>();
  /** Dials made in this life; each link this device dials carries the next. */
  private dialsMade = 0;
  private roster: ReadonlySet<NodeId>;
  private peer: Peer | null = null;
  private signaling: PeerJsTransportStatus['signaling'] = 'connecting';
  private signalingFailures = 0;
  private signalingTimer: ReturnType<typeof setTimeout> | null = null;
  private openTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly heartbeatTimer: ReturnType<typeof setInterval>;
  private listener: TransportListener | null = null;
  private closed = false;

  constructor(options: PeerJsTransportOptions) {
    this.options = options;
    this.localId = options.localId;
    this.limits = { ...defaultPeerJsTransportLimits, ...options.limits };
    assert(this.limits.heartbeatIntervalMs > 0 && this.limits.silentIntervalsMax >= 1, 'heartbeats need a positive interval and silence limit');
    this.onListenerError = options.onListenerError ?? logListenerError(this.localId);
    this.life = Array.from({ length: 4 }, () => options.random.nextInt(0x1_0000_0000).toString(36)).join('');
    this.roster = new Set(options.roster ?? []);
    this.presence = new PeerPresence({ silentIntervalsMax: this.limits.silentIntervalsMax, peersMax: this.limits.linksMax }, (peerId, reachable) => {
      if (!reachable) this.silent(peerId);
    });
    this.heartbeatTimer = setInterval(() => this.beat(), this.limits.heartbeatIntervalMs);
    this.startSignaling();
  }

  send(to: NodeId, bytes: Uint8Array): void {
    if (this.closed || to === this.localId) return;
    const link = this.kept.get(to);
    if (link === undefined) {
      this.counters.messagesDropped++;
      this.dial(to);
      return;
    }
    if (link.queuedBytes() + bytes.byteLength > this.limits.queuedBytesMax) {
      this.counters.messagesDropped++;
      return;
    }
    link.sendMessage(chunkMessage(bytes));
  }

  listen(listener: (event: TransportEvent) => void): void {
    if (!this.closed) this.listener = listener;
  }

  /** The devices to keep links with: dialed unprompted (by the smaller id) and again after a failure. */
  setRoster(peers: readonly NodeId[]): void {
    this.roster = new Set(peers.filter((peer) => peer !== this.localId));
    this.dialRoster();
  }

  /**
   * Closes every link with `peerId` at once and counts it as refused for `refusal` (e.g. 'revoked': the clinic
   * log revoked it). The handshake refuses its next links; this ends the ones already open.
   */
  cutOff(peerId: NodeId, refusal: string, reason: string): void {
    const links = [...this.links].filter((link) => link.remoteId === peerId);
    if (this.closed || links.length === 0) return;
    this.countRefusal({ peerId: this.options.peerIds.toPeerId(peerId), refusal, reason, by: 'local' });
    for (const link of links) {
      link.sendFrame(encodeControlFrame('goodbye'));
      this.linkClosed(link);
    }
  }

  status(): PeerJsTransportStatus {
    return {
      signaling: this.signaling,
      linkedPeers: [...this.kept.keys()].sort(),
      counters: { ...this.counters, linksRefused: { ...this.counters.linksRefused } },
      recentRefusals: [...this.refusals],
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listener = null;
    clearInterval(this.heartbeatTimer);
    if (this.signalingTimer !== null) clearTimeout(this.signalingTimer);
    this.clearOpenTimer();
    for (const redial of this.redials.values()) if (redial.timer !== null) clearTimeout(redial.timer);
    this.redials.clear();
    for (const link of this.kept.values()) link.sendFrame(encodeControlFrame('goodbye'));
    for (const link of [...this.links]) link.close();
    this.links.clear();
    this.kept.clear();
    this.presence.clear();
    this.signaling = 'closed';
    this.peer?.destroy();
    this.peer = null;
  }

  // -------------------------------------------------------------------------------------------------------
  // Signaling.

  private startSignaling(): void {
    if (this.closed) return;
    const { signaling, peerIds } = this.options;
    const peer = (this.options.createPeer ?? ((id, peerOptions) => new Peer(id, peerOptions)))(peerIds.toPeerId(this.localId), {
      host: signaling.host,
      port: signaling.port,
      path: signaling.path,
      key: signaling.key,
      secure: signaling.secure,
      token: signaling.token,
      config: { iceServers: signaling.iceServers ?? [] },
      debug: 0,
    });
    this.peer = peer;
    this.awaitOpen(peer);
    peer.on('open', () => this.signalingWorks());
    peer.on('connection', (connection) => {
      this.signalingWorks();
      this.answer(connection);
    });
    peer.on('call', (call) => call.close());
    peer.on('disconnected', () => this.signalingLost(peer, 'reconnect'));
    // Destroyed before it ever opened (the server was unreachable at start): only a new Peer can try again.
    peer.on('close', () => this.signalingLost(peer, 'recreate'));
    peer.on('error', (error) => {
      // The one error that concerns a single dial: the server knows no such peer (not connected now).
      if (error.type === 'peer-unavailable') {
        const peerId = /peer (\S+)$/.exec(error.message)?.[1];
        const nodeId = peerId === undefined ? null : peerIds.toNodeId(peerId);
        for (const link of this.links) if (link.remoteId === nodeId && link.state === 'opening') this.linkClosed(link);
      }
    });
  }

  /**
   * The server relays for us: it said so (OPEN), or an offer came through it, or a dial of ours got an answer.
   * A device that takes its id back while the server still holds its previous socket never gets OPEN (PeerServer
   * 1.0 only swaps the socket), so the other two count as well; and if none comes in signalingOpenTimeoutMs,
   * the transport drops the socket and registers again, which the server then answers with OPEN.
   */
  private signalingWorks(): void {
    if (this.closed || this.signaling === 'open') return;
    this.clearOpenTimer();
    this.signaling = 'open';
    this.signalingFailures = 0;
    this.dialRoster();
  }

  private awaitOpen(peer: Peer): void {
    this.signaling = 'connecting';
    this.clearOpenTimer();
    this.openTimer = setTimeout(() => {
      this.openTimer = null;
      if (!this.closed && peer === this.peer && this.signaling === 'connecting' && !peer.disconnected) peer.disconnect();
    }, this.limits.signalingOpenTimeoutMs);
  }

  private clearOpenTimer(): void {
    if (this.openTimer !== null) clearTimeout(this.openTimer);
    this.openTimer = null;
  }

  private signalingLost(peer: Peer, how: 'reconnect' | 'recreate'): void {
    if (this.closed || peer !== this.peer || this.signalingTimer !== null) return;
    this.clearOpenTimer();
    this.signaling = 'lost';
    this.signalingFailures++;
    const delayMs = retryDelayMs(this.signalingFailures, this.limits.signalingBackoff, this.options.random);
    this.signalingTimer = setTimeout(() => {
      this.signalingTimer = null;
      if (this.closed || peer !== this.peer) return;
      this.counters.signalingReconnects++;
      if (how === 'reconnect' && !peer.destroyed) {
        this.awaitOpen(peer);
        peer.reconnect();
      } else {
        this.startSignaling();
      }
    }, delayMs);
  }

  // -------------------------------------------------------------------------------------------------------
  // Links.

  private dialRoster(): void {
    for (const peer of this.roster) if (dialsUnprompted(this.localId, peer)) this.dial(peer);
  }

  /** Dials `to` unless a link to it is kept or opening, or its backoff is running. */
  private dial(to: NodeId): void {
    // PeerJS drops what it signals while its socket is still opening: a dial waits for signaling.
    if (this.closed || this.peer === null || this.signaling !== 'open' || this.kept.has(to)) return;
    if (this.redials.get(to)?.timer != null) return;
    for (const link of this.links) if (link.remoteId === to && link.state !== 'open') return;
    if (this.links.size >= this.limits.linksMax) return;
    const dialSequence = ++this.dialsMade;
    const connection = this.peer.connect(this.options.peerIds.toPeerId(to), { reliable: true, serialization: 'raw', metadata: dialMetadata(dialSequence) });
    this.links.add(new Link(connection, 'dialer', to, this.localId, dialSequence, this, this.limits));
  }

  private answer(connection: DataConnection): void {
    const remoteId = this.options.peerIds.toNodeId(connection.peer);
    if (this.closed || remoteId === null || remoteId === this.localId || this.links.size >= this.limits.linksMax) {
      this.counters.strangersTurnedAway++;
      connection.close();
      return;
    }
    const dialSequence = readDialSequence(connection.metadata);
    if (dialSequence === null) {
      this.counters.protocolErrors++;
      connection.close();
      return;
    }
    this.links.add(new Link(connection, 'answerer', remoteId, remoteId, dialSequence, this, this.limits));
  }

  /** @internal The channel opened: the handshake starts. */
  linkOpened(link: Link): void {
    if (this.closed || link.state !== 'opening') return;
    const binding = link.binding();
    if (binding === null) {
      this.protocolError(link);
      return;
    }
    if (link.role === 'dialer') {
      this.signalingWorks();
      link.timeHandshake();
    }
    link.state = 'handshaking';
    link.handshake = this.options.handshake({
      role: link.role,
      localPeerId: this.options.peerIds.toPeerId(this.localId),
      remotePeerId: link.connection.peer,
      remoteDeviceId: link.remoteId,
      localLife: this.life,
      binding,
    });
    link.sendFrame(encodeHandshakeFrame(link.handshake.opening()));
  }

  /** @internal What the handshake said about a frame from the peer. */
  handshakeStep(link: Link, step: HandshakeStep): void {
    if (this.closed || link.state === 'closed') return;
    for (const body of step.send) link.sendFrame(encodeHandshakeFrame(body));
    const { outcome } = step;
    if (outcome.type === 'pending') return;
    if (outcome.type === 'refused') {
      this.countRefusal({ peerId: link.connection.peer, refusal: outcome.refusal, reason: outcome.reason, by: outcome.refusal === 'refusedByPeer' ? 'remote' : 'local' });
      // Let the refusal reach the peer before the channel goes (closing the peer connection is abrupt).
      link.settle();
      setTimeout(() => this.drop(link), refusalLingerMs);
      return;
    }
    link.settle();
    link.remoteLife = outcome.remoteLife;
    link.opened();
    this.counters.linksAccepted++;
    this.adopt(link);
  }

  /** A refusal, by either side: counted by kind, and kept among the last recentRefusalsMax. */
  private countRefusal(refusal: LinkRefusal): void {
    this.counters.linksRefused[refusal.refusal] = (this.counters.linksRefused[refusal.refusal] ?? 0) + 1;
    this.refusals.push(refusal);
    if (this.refusals.length > recentRefusalsMax) this.refusals.shift();
  }

  private adopt(link: Link): void {
    const kept = this.kept.get(link.remoteId);
    if (kept !== undefined && !replacesKeptLink(kept, link)) {
      this.drop(link);
      return;
    }
    this.redials.delete(link.remoteId);
    if (kept !== undefined) {
      this.kept.delete(link.remoteId);
      this.drop(kept);
      if (kept.remoteLife === link.remoteLife) {
        // The same two lives, another link: nothing changed for the node.
        this.kept.set(link.remoteId, link);
        return;
      }
      // The peer restarted: its old life is gone, and the node hears so before it hears of the new one.
      this.presence.left(link.remoteId);
      this.emit({ type: 'peer', peerId: link.remoteId, reachable: false });
    }
    this.kept.set(link.remoteId, link);
    this.presence.heard(link.remoteId);
    this.emit({ type: 'peer', peerId: link.remoteId, reachable: true });
  }

  /** @internal */
  heardFrom(link: Link): void {
    if (this.kept.get(link.remoteId) === link) this.presence.heard(link.remoteId);
  }

  /** @internal */
  delivered(link: Link, message: Uint8Array): void {
    if (this.closed || this.kept.get(link.remoteId) !== link) return;
    this.counters.messagesDelivered++;
    this.emit({ type: 'message', from: link.remoteId, bytes: message });
  }

  /** @internal */
  protocolError(link: Link): void {
    this.counters.protocolErrors++;
    this.linkClosed(link);
  }

  /** @internal */
  linkTimedOut(link: Link): void {
    if (link.state === 'closed' || link.state === 'open') return;
    this.counters.linksTimedOut++;
    this.linkClosed(link);
  }

  /** @internal The link is gone (closed by either side, failed, refused, silent): forget it and maybe dial again. */
  linkClosed(link: Link): void {
    if (link.state === 'closed') return;
    const wasKept = this.kept.get(link.remoteId) === link;
    const wasOpen = link.state === 'open';
    this.drop(link);
    if (this.closed) return;
    if (wasKept) {
      this.kept.delete(link.remoteId);
      this.presence.left(link.remoteId);
      this.emit({ type: 'peer', peerId: link.remoteId, reachable: false });
    }
    if (!wasOpen || wasKept) this.scheduleRedial(link.remoteId, !wasOpen);
  }

  private drop(link: Link): void {
    link.close();
    this.links.delete(link);
  }

  /** The kept link to `peerId` fell silent: it goes as any other closed link does. */
  private silent(peerId: NodeId): void {
    const link = this.kept.get(peerId);
    if (link === undefined) return;
    this.counters.linksSilent++;
    this.linkClosed(link);
  }

  /** After a failed dial the wait grows; after a link that worked and then went, the first wait is short. */
  private scheduleRedial(peerId: NodeId, failed: boolean): void {
    const previous = this.redials.get(peerId);
    if (previous?.timer != null) return;
    const failures = failed ? (previous?.failures ?? 0) + 1 : 1;
    const redial = { failures, timer: null as ReturnType<typeof setTimeout> | null };
    redial.timer = setTimeout(() => {
      redial.timer = null;
      if (this.roster.has(peerId) && dialsUnprompted(this.localId, peerId)) this.dial(peerId);
    }, retryDelayMs(failures, this.limits.redialBackoff, this.options.random));
    this.redials.set(peerId, redial);
  }

  private beat(): void {
    if (this.closed) return;
    const heartbeat = encodeControlFrame('heartbeat');
    for (const link of this.kept.values()) link.sendFrame(heartbeat);
    this.presence.tick();
  }

  private emit(event: TransportEvent): void {
    deliverToListener(this.listener, event, this.onListenerError);
  }
}
