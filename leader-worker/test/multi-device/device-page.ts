// The page of one device in the multi-device specs (central-api/test/e2e/devices-over-peerjs.e2e.spec.ts):
// each browser context loads it as a separate device with its own IndexedDB, and the spec drives it through the
// functions it puts on `globalThis`. Everything below is the real thing: enrollment at the real central API, the
// identity kept in IndexedDB, the node in its Worker, PeerJS through central's PeerServer. Page only.
import { ClinicDevice, clinicPeerIds, handshakeOf, signalingOf } from '../../src/device-host/clinic-device.js';
import { enrollThisDevice } from '../../src/device-identity/device-enrollment.js';
import { DeviceIdentityStore } from '../../src/device-identity/device-identity-store.js';
import { randomFromCrypto } from '../../src/node/crypto-random.js';
import { PeerJsTransport } from '../../src/transport/peerjs-transport.js';
import { devicePageWorkerPath, type DevicePage } from './device-page-protocol.js';

const store = new DeviceIdentityStore();
let device: ClinicDevice | null = null;

function running(): ClinicDevice {
  if (device === null) throw new Error('this device is not started');
  return device;
}

const page: DevicePage = {
  async enroll(apiUrl, code) {
    const outcome = await enrollThisDevice({ apiUrl, code, store });
    if (outcome.type !== 'enrolled') throw new Error(`enrollment refused (${outcome.refusal}): ${outcome.message}`);
    return outcome.identity.deviceId;
  },
  async start(options) {
    const identity = await store.load();
    if (identity === null) throw new Error('this device is not enrolled');
    const started = await ClinicDevice.start({
      identity,
      workerScriptUrl: devicePageWorkerPath,
      founders: options.founders,
      ...(options.timing === undefined ? {} : { timing: options.timing }),
      ...(options.transportLimits === undefined ? {} : { transportLimits: options.transportLimits }),
    });
    device = started.device;
    return started.outcome.type === 'started' ? 'started' : `${started.outcome.reason}: ${started.outcome.message}`;
  },
  async report() {
    const current = running();
    return { node: await current.status(), links: current.linkStatus() };
  },
  propose: (envelope) => running().client.propose(envelope),
  search: async (query) => (await running().client.searchPatients(query)).map((hit) => hit.patientId),
  async intrude(clinicId, targets, waitMs) {
    const identity = await store.load();
    if (identity === null) throw new Error('this device is not enrolled');
    const theirs = clinicPeerIds(clinicId);
    const ownPeerId = identity.peer.peerId;
    let messagesReceived = 0;
    const transport = new PeerJsTransport({
      localId: identity.deviceId,
      // Its own id as central issued it; the targets under their clinic's ids.
      peerIds: { toPeerId: (nodeId) => (nodeId === identity.deviceId ? ownPeerId : theirs.toPeerId(nodeId)), toNodeId: theirs.toNodeId },
      signaling: signalingOf(identity),
      handshake: handshakeOf(identity, () => ({ clinicId, trustAnchor: identity.trustAnchor, nowMs: Date.now(), isRevoked: () => false })),
      roster: [],
      random: randomFromCrypto(),
    });
    transport.listen((event) => {
      if (event.type === 'message') messagesReceived++;
    });
    const startedMs = Date.now();
    while (Date.now() - startedMs < waitMs) {
      for (const target of targets) transport.send(target, Uint8Array.of(1, 2, 3));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const status = transport.status();
    transport.close();
    const refusals = Object.values(status.counters.linksRefused).reduce((sum, count) => sum + count, 0);
    return { linked: status.linkedPeers, messagesReceived, refusals };
  },
  async stop() {
    await device?.stop();
    device = null;
  },
};

(globalThis as unknown as { clinicDevice: DevicePage }).clinicDevice = page;
