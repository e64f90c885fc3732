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
  async timedProposals(envelopes) {
    const client = running().client;
    const latencies: number[] = [];
    for (const envelope of envelopes) {
      const startedMs = performance.now();
      const outcome = await client.propose(envelope);
      if (outcome.type !== 'applied') throw new Error(`write ${envelope.sequence} was not applied: ${JSON.stringify(outcome)}`);
      latencies.push(performance.now() - startedMs);
    }
    return latencies;
  },
  async sustainedProposals(envelopes, inFlight) {
    const client = running().client;
    let next = 0;
    let applied = 0;
    let notApplied = 0;
    const startedMs = performance.now();
    const proposer = async (): Promise<void> => {
      while (next < envelopes.length) {
        const outcome = await client.propose(envelopes[next++]!);
        if (outcome.type === 'applied') applied++;
        else notApplied++;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, proposer));
    return { applied, notApplied, elapsedMs: performance.now() - startedMs };
  },
  async timedPosts(url, token, bodies) {
    const latencies: number[] = [];
    for (const body of bodies) {
      const startedMs = performance.now();
      const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`POST ${url} answered ${response.status}`);
      latencies.push(performance.now() - startedMs);
    }
    return latencies;
  },
  async cpuProbe() {
    const pageMs = new Function(`return (${fixedWork})();`)() as number;
    // The same work in a Worker of its own (the node's Worker is the same kind of thread).
    const url = URL.createObjectURL(new Blob([`postMessage((${fixedWork})());`], { type: 'text/javascript' }));
    try {
      const worker = new Worker(url);
      const workerMs = await new Promise<number>((resolve, reject) => {
        worker.onmessage = (event: MessageEvent<number>) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(`the probe's Worker failed: ${event.message}`));
      });
      worker.terminate();
      return { pageMs, workerMs };
    } finally {
      URL.revokeObjectURL(url);
    }
  },
  async stop() {
    await device?.stop();
    device = null;
  },
};

/**
 * A fixed amount of arithmetic, as source text run the same way on the page and in a Worker (so no bundler
 * renames it); how long it takes shows how fast the thread runs.
 */
const fixedWork = `() => {
  const startedMs = performance.now();
  let sum = 0;
  for (let index = 0; index < 20000000; index++) sum = (sum + index * 7) % 1000003;
  if (sum < 0) throw new Error('unreachable');
  return performance.now() - startedMs;
}`;

(globalThis as unknown as { clinicDevice: DevicePage }).clinicDevice = page;
