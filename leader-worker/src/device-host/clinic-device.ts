// One enrolled device of a clinic, as the page runs it: the clinic node in its Worker, reaching the other
// devices through PeerJS on the page (RTCPeerConnection does not exist in workers) over the MessagePort
// bridge, every link checked against the clinic's certificates, and the node's link to central. The app
// starts one of these after sign-in; the multi-device specs start one per browser context.
import type { CertificateExpectations } from '../device-identity/device-certificate.js';
import { LinkHandshake, type LinkContext } from '../device-identity/link-handshake.js';
import type { DeviceIdentity } from '../device-identity/device-identity-store.js';
import { parsePeerId, peerIdFor } from '../device-identity/peer-ids.js';
import { randomNonce, signerFor, webCryptoSignatureCheck } from '../device-identity/webcrypto-identity.js';
import type { ClinicNodeStatus, ClinicNodeTiming } from '../node/clinic-node.js';
import { randomFromCrypto } from '../node/crypto-random.js';
import type { NodeId } from '../raft/types.js';
import { MessagePortBridge, type WorkerGoneReason } from '../transport/message-port-transport.js';
import { PeerJsTransport, type PeerIdMapping, type PeerJsTransportLimits, type PeerJsTransportStatus } from '../transport/peerjs-transport.js';
import { ClinicClient, type ClinicClientLimits } from '../worker/clinic-client.js';
import { watchDevicePower } from './device-power-watcher.js';
import type { StartOutcome } from '../worker/clinic-worker-api.js';

/** The fixed PeerJS ids central issues tokens for (device-identity/peer-ids.ts); an id of another clinic names no node. */
export function clinicPeerIds(clinicId: string): PeerIdMapping {
  const clinic = clinicId.toLowerCase();
  return {
    toPeerId: (nodeId) => peerIdFor(clinicId, nodeId),
    toNodeId: (peerId) => {
      const named = parsePeerId(peerId);
      return named?.clinicId === clinic ? named.deviceId : null;
    },
  };
}

/** Where central's PeerServer listens, from the API's URL and the path central gave at enrollment. */
export function signalingOf(identity: DeviceIdentity): { host: string; port: number; path: string; key: string; secure: boolean; token: string } {
  const api = new URL(identity.apiUrl);
  const secure = api.protocol === 'https:';
  const port = api.port === '' ? (secure ? 443 : 80) : Number(api.port);
  return { host: api.hostname, port, path: identity.peer.path, key: identity.peer.key, secure, token: identity.peer.token };
}

/** Every link's handshake as this device makes it: its certificate and key, judged against `expectations`. */
export function handshakeOf(identity: DeviceIdentity, expectations: () => Omit<CertificateExpectations, 'deviceId'>): (context: LinkContext) => LinkHandshake {
  const sign = signerFor(identity.privateKey);
  const checkSignature = webCryptoSignatureCheck();
  return (context) => new LinkHandshake(context, {
    certificate: identity.certificate, sign, randomNonce: () => randomNonce(), checkSignature, expectations,
  });
}

export interface ClinicDeviceOptions {
  readonly identity: DeviceIdentity;
  /** The bundled Worker entry (leader-worker/src/worker/clinic-worker.ts). */
  readonly workerScriptUrl: string | URL;
  /** The founding voters, used only by a device whose database is empty: the clinic's devices at its start. */
  readonly founders: readonly NodeId[];
  /** True when the clinic log revoked this device's certificate from `serial` on. */
  readonly isRevoked?: (deviceId: string, serial: number) => boolean;
  readonly timing?: Partial<ClinicNodeTiming>;
  readonly transportLimits?: Partial<PeerJsTransportLimits>;
  readonly clientLimits?: Partial<ClinicClientLimits>;
  /** Told when the Worker dies or the page's bridge gives up on it. */
  readonly onWorkerGone?: (reason: WorkerGoneReason) => void;
}

export class ClinicDevice {
  private unsubscribe: (() => Promise<void>) | null = null;
  private lastStatus: ClinicNodeStatus | null = null;
  private stopWatchingPower: (() => void) | null = null;
  private stopped = false;

  private constructor(
    readonly identity: DeviceIdentity,
    readonly client: ClinicClient,
    readonly transport: PeerJsTransport,
    private readonly bridge: MessagePortBridge,
    /** Devices the clinic log revoked: their handshakes are refused, their links cut, and they leave the roster. */
    private readonly revoked: Set<string>,
  ) {}

  /** Starts the node and its links. The outcome says whether the node started; on failure all is closed again. */
  static async start(options: ClinicDeviceOptions): Promise<{ readonly device: ClinicDevice | null; readonly outcome: StartOutcome }> {
    const { identity } = options;
    const revoked = new Set<string>();
    const isRevoked = (deviceId: string, serial: number): boolean => revoked.has(deviceId) || (options.isRevoked?.(deviceId, serial) ?? false);
    const transport = new PeerJsTransport({
      localId: identity.deviceId,
      peerIds: clinicPeerIds(identity.clinicId),
      signaling: signalingOf(identity),
      handshake: handshakeOf(identity, () => ({
        clinicId: identity.clinicId, trustAnchor: identity.trustAnchor, nowMs: Date.now(), isRevoked,
      })),
      roster: options.founders,
      random: randomFromCrypto(),
      ...(options.transportLimits === undefined ? {} : { limits: options.transportLimits }),
    });
    const channel = new MessageChannel();
    const bridge = new MessagePortBridge({ port: channel.port1, transport, ...(options.onWorkerGone === undefined ? {} : { onWorkerGone: options.onWorkerGone }) });
    const client = ClinicClient.launch(options.workerScriptUrl, options.clientLimits);
    const device = new ClinicDevice(identity, client, transport, bridge, revoked);
    let outcome: StartOutcome;
    try {
      outcome = await client.start({
        clinicId: identity.clinicId,
        deviceId: identity.deviceId,
        voters: options.founders,
        transport: { kind: 'message-port', port: channel.port2 },
        central: { apiUrl: identity.apiUrl, credential: identity.credential },
        ...(options.timing === undefined ? {} : { timing: options.timing }),
      });
    } catch (error) {
      device.close();
      throw error;
    }
    if (outcome.type !== 'started') {
      device.close();
      return { device: null, outcome };
    }
    device.lastStatus = outcome.status;
    // Never rejects the caller: a power report lost with a dying worker changes nothing that matters.
    device.stopWatchingPower = watchDevicePower((power) => void client.setDevicePower(power).catch(() => undefined));
    device.unsubscribe = await client.subscribe((event) => {
      if (event.type === 'status') device.keepRosterWith(event.status);
      if (event.type === 'revokedDevices') device.refuse(event.deviceIds);
    });
    // Subscribed first, so a revocation applied meanwhile is heard either way.
    device.refuse((await client.revokedDevices()).map((revocation) => revocation.deviceId));
    device.keepRosterWith(device.lastStatus);
    return { device, outcome };
  }

  status(): Promise<ClinicNodeStatus | null> {
    return this.client.status();
  }

  linkStatus(): PeerJsTransportStatus {
    return this.transport.status();
  }

  /** Stops the node (its storage closed, the outbox kept) and closes the links; idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.unsubscribe?.().catch(() => undefined);
    if (this.client.failed === null) await this.client.stop().catch(() => undefined);
    this.close();
  }

  private close(): void {
    this.stopped = true;
    this.stopWatchingPower?.();
    this.bridge.close();
    this.client.terminate();
  }

  /** The transport keeps links with every member the node's log knows, voters and learners, but none revoked. */
  private keepRosterWith(status: ClinicNodeStatus | null): void {
    if (this.stopped || status === null) return;
    this.lastStatus = status;
    this.transport.setRoster([...status.membership.voters, ...status.membership.learners].filter((member) => !this.revoked.has(member)));
  }

  /** The clinic log revoked these devices: links with them end now, and no new one passes the handshake. */
  private refuse(deviceIds: readonly string[]): void {
    const newlyRevoked = deviceIds.filter((deviceId) => !this.revoked.has(deviceId));
    if (this.stopped || newlyRevoked.length === 0) return;
    for (const deviceId of newlyRevoked) {
      this.revoked.add(deviceId);
      this.transport.cutOff(deviceId, 'revoked', `device ${deviceId} was revoked by central`);
    }
    this.keepRosterWith(this.lastStatus);
  }
}
