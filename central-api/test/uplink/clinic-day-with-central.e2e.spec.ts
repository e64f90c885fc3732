// A clinic day against the real central API on PostgreSQL: three clinic nodes in Node (memory disks, the
// in-memory LAN, real timers), each with its link to central over HTTP through a cellular link the test cuts
// and restores, and one leader change while an upload is on the wire (central stored it; the answer never
// reached the old leader). At the end central's copy of the clinic equals every device's state (hash),
// central stored every entry once, and every lab result posted at central is on every device.
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { chartStateMachines } from '../../../leader-worker/src/node/chart-replica.js';
import { CentralLink, chartOf } from '../../../leader-worker/src/node/central-link.js';
import { ClinicNode } from '../../../leader-worker/src/node/clinic-node.js';
import { realScheduler } from '../../../leader-worker/src/node/scheduler.js';
import type { ApplyResult } from '../../../leader-worker/src/chart/index.js';
import { bootstrapState } from '../../../leader-worker/src/raft/raft.js';
import { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import { MemoryDisk } from '../../../leader-worker/src/storage/memory-disk.js';
import { MemoryOutboxStorage } from '../../../leader-worker/src/storage/memory-outbox-storage.js';
import { MemoryRaftStorage } from '../../../leader-worker/src/storage/memory-raft-storage.js';
import { MemoryStateCache } from '../../../leader-worker/src/storage/memory-state-cache.js';
import { InMemoryNetwork } from '../../../leader-worker/src/transport/in-memory-network.js';
import { HttpCentralClient } from '../../../leader-worker/src/uplink/http-central-client.js';
import { eventually, fastTiming, sleep } from '../../../leader-worker/test/worker/clinic-worker-kit.js';
import { registerPatient } from '../../../leader-worker/test/chart/chart-harness.js';
import { call, testAppPerSuite, type TestApp } from '../support/test-app.js';

/** The clinic's cellular link to central, shared by its devices: cut and restored by the test. */
class CellularLink {
  down = false;
  /** The next upload through `holder` is delivered to central, and its answer then lost. */
  private holdingFor: string | null = null;
  private heldAnswer: (() => void) | null = null;
  uploadHeld = false;

  fetchFor(deviceId: string): typeof fetch {
    return async (input, init) => {
      if (this.down) throw new TypeError('fetch failed: the cellular link is down');
      const isUpload = init?.method === 'POST' && String(input).endsWith('/log');
      if (isUpload && this.holdingFor === deviceId) {
        this.holdingFor = null;
        await fetch(input, init);
        this.uploadHeld = true;
        // Central stored the batch; the answer never reaches the device.
        await new Promise<void>((resolve) => (this.heldAnswer = resolve));
        throw new TypeError('fetch failed: the connection dropped');
      }
      return fetch(input, init);
    };
  }

  holdNextUploadOf(deviceId: string): void {
    this.holdingFor = deviceId;
  }

  dropHeldAnswer(): void {
    this.heldAnswer?.();
    this.heldAnswer = null;
  }
}

interface Device {
  readonly id: string;
  readonly node: ClinicNode<ApplyResult>;
  readonly link: CentralLink;
  sequence: number;
}

describe('a clinic day with the real central API: link cuts and a leader change mid-upload', () => {
  const central = testAppPerSuite();

  async function enroll(api: TestApp): Promise<{ clinicId: string; devices: { deviceId: string; credential: string }[] }> {
    const clinic = await call(api.baseUrl, 'POST', '/api/clinics', { token: api.adminToken, json: { name: 'Kisoro', chartPolicy: 'lease' } });
    const clinicId = (clinic.body as { id: string }).id;
    const devices = [];
    for (const name of ['Registration tablet', 'Nurse tablet', 'Clinician desktop']) {
      const enrolled = await call(api.baseUrl, 'POST', `/api/clinics/${clinicId}/devices`, { token: api.adminToken, json: { name } });
      devices.push(enrolled.body as { deviceId: string; credential: string });
    }
    return { clinicId, devices };
  }

  it('ends with central\'s copy equal to every device, every entry stored once, every lab result on every device', async () => {
    const api = central();
    const { clinicId, devices: enrolled } = await enroll(api);
    const ids = enrolled.map((device) => device.deviceId);
    const network = new InMemoryNetwork();
    const cellular = new CellularLink();
    const random = new SeededRandom(2026);
    const devices: Device[] = [];
    for (const { deviceId, credential } of enrolled) {
      let started: ClinicNode<ApplyResult> | null = null;
      const disk = new MemoryDisk();
      const node = await ClinicNode.start({
        id: deviceId, raftStorage: new MemoryRaftStorage(disk), outboxStorage: new MemoryOutboxStorage(disk), stateCache: new MemoryStateCache(),
        transport: network.connect(deviceId), stateMachines: chartStateMachines(clinicId), scheduler: realScheduler, random: random.fork(),
        initialState: bootstrapState({ voters: ids, learners: [] }),
        // Compaction often, so the bound (never past central's acknowledgement) is exercised.
        timing: { ...fastTiming, compactionThresholdEntries: 20 },
        compactionBound: () => (started === null ? 0 : chartOf(started).centralAcknowledgedIndex()),
      });
      started = node;
      const client = new HttpCentralClient({ apiUrl: `${api.baseUrl}/api`, clinicId, credential, fetch: cellular.fetchFor(deviceId), requestTimeoutMs: 3_000 });
      const link = CentralLink.start({ clinicId, node, central: client, scheduler: realScheduler, createRandom: () => random.fork(), chartPolicy: 'lease' });
      devices.push({ id: deviceId, node, link, sequence: 0 });
    }
    const leader = () => devices.find((device) => device.node.status().role === 'leader');
    const postLab = async (labOrderId: string) => {
      const posted = await call(api.baseUrl, 'POST', `/api/clinics/${clinicId}/feed/lab-results`, {
        token: api.adminToken, json: { labResultId: randomUUID(), labOrderId, result: { kind: 'text', text: 'negative' }, interpretation: 'normal', laboratory: 'Kabale lab' },
      });
      expect(posted.status).toBe(201);
    };
    const write = async (device: Device, command: Record<string, unknown>) => {
      device.sequence++;
      const outcome = await device.node.propose({
        clientId: `${device.id}-desk`, sequence: device.sequence, recordedAt: Date.now(), author: { deviceId: device.id, userName: 'Nurse Akello', role: 'nurse' }, command,
      });
      expect(['applied', 'pending']).withContext(JSON.stringify(outcome)).toContain(outcome.type);
    };
    const visit = async (device: Device, number: number): Promise<string> => {
      const patientId = randomUUID();
      const visitId = randomUUID();
      const labOrderId = randomUUID();
      await write(device, registerPatient(patientId, { name: { given: 'Patient', family: `Number ${number}` }, identifiers: [] }));
      await write(device, { type: 'openVisit', visitId, patientId, reason: 'fever' });
      await write(device, { type: 'recordVitals', vitalsId: randomUUID(), patientId, visitId, measurements: { temperatureCelsius: 38.1, pulseBpm: 96 } });
      await write(device, { type: 'orderLab', labOrderId, patientId, visitId, test: 'Malaria RDT', specimen: 'blood' });
      return labOrderId;
    };

    try {
      await eventually('a leader', () => leader() !== undefined, 10_000);
      const labOrders: string[] = [];
      let number = 0;
      // Morning: the link up, then cut and restored three times while visits go on and the lab posts results.
      for (let cut = 0; cut < 3; cut++) {
        for (let count = 0; count < 4; count++) labOrders.push(await visit(devices[number++ % 3]!, number));
        cellular.down = true;
        for (let count = 0; count < 3; count++) labOrders.push(await visit(devices[number++ % 3]!, number));
        await postLab(labOrders[labOrders.length - 5]!);
        await sleep(300);
        cellular.down = false;
        await postLab(labOrders.at(-1)!);
      }

      // Midday: an upload reaches central, its answer is lost, and the leader loses the LAN at that moment.
      const oldLeader = leader()!;
      await eventually('the uplink to catch up before the held upload', () => oldLeader.link.status().upload.notUploaded === 0, 15_000);
      cellular.holdNextUploadOf(oldLeader.id);
      for (let count = 0; count < 3; count++) labOrders.push(await visit(oldLeader, number++));
      await eventually('the held upload to reach central', () => cellular.uploadHeld, 10_000);
      for (const other of ids) if (other !== oldLeader.id) network.cutBetween(oldLeader.id, other);
      await eventually('a new leader among the others', () => devices.some((device) => device !== oldLeader && device.node.status().role === 'leader'), 10_000);
      cellular.dropHeldAnswer();
      const newLeader = devices.find((device) => device !== oldLeader && device.node.status().role === 'leader')!;
      for (let count = 0; count < 3; count++) labOrders.push(await visit(newLeader, number++));
      await postLab(labOrders.at(-2)!);
      for (const a of ids) for (const b of ids) if (a !== b) network.healBetween(a, b);

      // Afternoon: quiet. Everything reaches central and every device.
      const posted = 3 * 2 + 1;
      await eventually('every device to hold every lab result and the uplink to be done', () => {
        const current = leader();
        if (current === undefined || current.link.status().upload.notUploaded !== 0) return false;
        const commitIndex = current.node.status().commitIndex;
        return devices.every((device) => device.node.status().appliedIndex === commitIndex && chartOf(device.node).feedDecidedThrough() === posted);
      }, 30_000);

      // Central's copy, brought up to its whole acknowledged log by a read, against every device. The leader
      // may still write central's acknowledgement into the log (and upload that): compared once nothing moves.
      const token = enrolled[0]!.credential;
      const centralCopy = async (): Promise<{ acknowledgedIndex: number; appliedIndex: number; stateHash: string }> => {
        const acknowledged = await call(api.baseUrl, 'GET', `/api/clinics/${clinicId}/log/ack`, { token });
        expect((await call(api.baseUrl, 'GET', `/api/clinics/${clinicId}/patients?query=number`, { token })).status).toBe(200);
        const ops = await call(api.baseUrl, 'GET', '/api/ops/clinics', { token: api.adminToken });
        const row = (ops.body as { clinics: { id: string; chartAppliedIndex: number; chartStateHash: string }[] }).clinics.find((clinic) => clinic.id === clinicId)!;
        return { acknowledgedIndex: (acknowledged.body as { acknowledgedIndex: number }).acknowledgedIndex, appliedIndex: row.chartAppliedIndex, stateHash: row.chartStateHash };
      };
      let settled = await centralCopy();
      await eventually('central and every device to settle at one index', async () => {
        const before = settled;
        await sleep(300);
        settled = await centralCopy();
        const same = settled.acknowledgedIndex === before.acknowledgedIndex && settled.appliedIndex === settled.acknowledgedIndex;
        return same && devices.every((device) => device.node.status().appliedIndex === settled.acknowledgedIndex);
      }, 20_000);
      const { acknowledgedIndex, stateHash } = settled;
      for (const device of devices) expect(device.node.status().stateHash).withContext(device.id).toBe(stateHash);

      // Stored once: one row per index, 1..acknowledgedIndex, whatever was sent twice.
      const rows = (await api.app.get(DataSource).query('SELECT count(*)::int AS n, count(DISTINCT log_index)::int AS d, max(log_index)::int AS m FROM log_entries WHERE clinic_id = $1', [clinicId])) as { n: number; d: number; m: number }[];
      expect(rows[0]).toEqual({ n: acknowledgedIndex, d: acknowledgedIndex, m: acknowledgedIndex });

      // Every lab result on every device, once.
      for (const device of devices) {
        const results = labOrders.flatMap((labOrderId) => {
          const chart = chartOf(device.node);
          const patientId = chart.patientOf(labOrderId);
          return patientId === null ? [] : chart.openChart(patientId)!.labOrders.filter((order) => order.labOrderId === labOrderId).flatMap((order) => order.results);
        });
        expect(results.length).withContext(device.id).toBe(posted);
      }
    } finally {
      for (const device of devices) {
        device.link.stop();
        await device.node.stop();
      }
      cellular.dropHeldAnswer();
    }
  }, 120_000);
});
