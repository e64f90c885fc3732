// Central's chart copy against PostgreSQL, with several "processes" (Nest apps on one database, each with its
// own cache): a projection of the stored log that catches up after uploads (when they pause, when it trails
// too far, before every read), snapshots and cold starts, catching up on what other processes stored, uploads
// racing across processes, and a failed projection never leaving unrecorded entries in a cached machine.
import { Test } from '@nestjs/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ChartStateMachine } from '../../../leader-worker/src/chart/index.js';
import { ChartWorkload } from '../../bench/chart-workload.js';
import { ChartCopiesRepository } from '../../src/chart-copy/chart-copies.repository.js';
import { ChartCopyService } from '../../src/chart-copy/chart-copy.service.js';
import { type ChartCopySettings, chartCopySettingsToken, defaultChartCopySettings } from '../../src/chart-copy/chart-copy-settings.js';
import { DatabaseModule } from '../../src/database/database.module.js';
import type { UploadLogRequest } from '../../src/sync/dto/upload-log.request.js';
import { IngestService } from '../../src/sync/ingest.service.js';
import { SyncModule } from '../../src/sync/sync.module.js';
import { SyncStatesRepository } from '../../src/sync/sync-states.repository.js';
import { applyEntries, batches, commandEntries, storedLog, type UploadEntry } from '../support/log-upload.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';

interface Process {
  readonly ingest: IngestService;
  readonly copy: ChartCopyService;
  readonly dataSource: DataSource;
  readonly syncStates: SyncStatesRepository;
  close(): Promise<void>;
}

/** Projections only when a read asks (the quiet and idle timers and the sweep never fire within a spec, no lag is too long). */
const readsOnly = { projectionQuietMs: 600_000, projectionIdleMs: 600_000, trailingSweepIntervalMs: 600_000, projectionLagEntriesMax: 1_000_000 };
const smallSettings: ChartCopySettings = {
  ...defaultChartCopySettings, ...readsOnly, snapshotIntervalEntriesMin: 100, snapshotIntervalEntriesMax: 100, snapshotsKeptPerClinic: 2,
  catchUpPageEntries: 30, clinicsCachedMax: 2,
  projectionEntriesPerTransactionMax: 100,
};

function entries(count: number, seed: number): UploadEntry[] {
  const workload = new ChartWorkload({ seed, patients: 20, clientId: `tablet-${seed}` });
  return commandEntries(1, Array.from({ length: count }, () => workload.nextCommandBytes()));
}

function hashOf(clinicId: string, log: readonly UploadEntry[]): string {
  const machine = new ChartStateMachine(clinicId);
  applyEntries(machine, log);
  return machine.stateHash();
}

/** The copy's hash and patient count as a read in `apiProcess` sees them. */
function readCopy(apiProcess: Process, clinicId: string): Promise<{ hash: string; patients: number; appliedIndex: number }> {
  return apiProcess.copy.read(clinicId, (machine, appliedIndex) => ({ hash: machine.stateHash(), patients: machine.counts().patients, appliedIndex }));
}

/** Polls `condition` until it holds (a spec that never sees it fails on jasmine's timeout). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('the chart copy (PostgreSQL, several processes)', () => {
  let database: TestDatabase;
  const processes: Process[] = [];

  async function startProcess(settings: ChartCopySettings = smallSettings): Promise<Process> {
    const module = await Test.createTestingModule({ imports: [DatabaseModule.forRoot({ url: database.url, logging: false }), SyncModule] })
      .overrideProvider(chartCopySettingsToken)
      .useValue(settings)
      .compile();
    module.useLogger(['error']);
    await module.init();
    const apiProcess = {
      ingest: module.get(IngestService), copy: module.get(ChartCopyService), dataSource: module.get(DataSource), syncStates: module.get(SyncStatesRepository),
      close: () => module.close(),
    };
    processes.push(apiProcess);
    return apiProcess;
  }

  async function clinicWithDevice(apiProcess: Process): Promise<{ clinicId: string; deviceId: string }> {
    const [clinic] = await apiProcess.dataSource.query("INSERT INTO clinics (name, chart_policy) VALUES ('Kisoro', 'lease') RETURNING id");
    const [device] = await apiProcess.dataSource.query("INSERT INTO devices (clinic_id, name, credential_hash) VALUES ($1, 'Tablet', $2) RETURNING id", [clinic.id, randomBytes(32)]);
    return { clinicId: clinic.id, deviceId: device.id };
  }

  async function uploadAll(apiProcess: Process, clinicId: string, deviceId: string, log: readonly UploadEntry[], batchSize: number): Promise<void> {
    for (const body of batches(log, batchSize)) await apiProcess.ingest.upload(clinicId, deviceId, body as UploadLogRequest);
  }

  beforeAll(async () => {
    database = await createTestDatabase();
  }, testPostgresStartTimeoutMs);

  // Each spec's processes stop with it: one left running (a sweeper looking for copies left behind every 30 ms)
  // would catch up the copies a later spec means to leave behind.
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((apiProcess) => apiProcess.close()));
  });

  afterAll(async () => {
    await database.drop();
  });

  it('snapshots every interval, keeps the newest few, and a new apiProcess restores the newest and replays only what follows', async () => {
    const first = await startProcess();
    const { clinicId, deviceId } = await clinicWithDevice(first);
    const log = entries(350, 1);
    await uploadAll(first, clinicId, deviceId, log, 50);
    await readCopy(first, clinicId); // projects in transactions of 100 entries: 1..100, ..., 301..350
    const snapshots = await first.dataSource.query('SELECT log_index::int FROM chart_snapshots WHERE clinic_id = $1 ORDER BY log_index', [clinicId]);
    expect(snapshots).toEqual([{ log_index: 200 }, { log_index: 300 }]);
    const [copy] = await first.dataSource.query('SELECT snapshot_index::int, applied_index::int, state_hash FROM chart_copies WHERE clinic_id = $1', [clinicId]);
    expect(copy).toEqual({ snapshot_index: 300, applied_index: 350, state_hash: hashOf(clinicId, log) });

    const second = await startProcess();
    const restore = spyOn(ChartStateMachine, 'restore').and.callThrough();
    const readRange = spyOn(second.copy['logEntries'], 'readRange').and.callThrough();
    expect(await readCopy(second, clinicId)).toEqual({ hash: hashOf(clinicId, log), patients: 20, appliedIndex: 350 });
    expect(restore).toHaveBeenCalledTimes(1);
    expect(readRange.calls.allArgs().map((args) => [args[2], args[3]])).withContext('replays 301..350 in pages of 30').toEqual([[301, 330], [331, 350]]);
  });

  it('catches up on entries other processes stored, for uploads and for reads', async () => {
    const [a, b] = [await startProcess(), await startProcess()];
    const { clinicId, deviceId } = await clinicWithDevice(a);
    const log = entries(90, 2);
    await uploadAll(a, clinicId, deviceId, log.slice(0, 30), 30);
    expect((await readCopy(a, clinicId)).appliedIndex).toBe(30);
    await uploadAll(b, clinicId, deviceId, log.slice(30, 60), 30);
    expect(await readCopy(a, clinicId)).withContext('a read in A sees what B stored').toEqual({ hash: hashOf(clinicId, log.slice(0, 60)), patients: 20, appliedIndex: 60 });
    await uploadAll(a, clinicId, deviceId, log.slice(0, 30), 30); // A's machine is at 60; a replay changes nothing
    await uploadAll(b, clinicId, deviceId, log.slice(60, 90), 30);
    await uploadAll(a, clinicId, deviceId, log.slice(60, 90), 30); // a replay through A
    expect((await readCopy(a, clinicId)).appliedIndex).toBe(90);
    expect(await storedLog(a.dataSource, clinicId)).toEqual(jasmine.objectContaining({ acknowledgedIndex: 90, appliedIndex: 90, stateHash: hashOf(clinicId, log) }));
    expect((await readCopy(b, clinicId)).hash).toBe(hashOf(clinicId, log));
  });

  it('serializes uploads racing through two processes with the lock on the clinic\'s row', async () => {
    const [a, b] = [await startProcess({ ...defaultChartCopySettings, ...readsOnly }), await startProcess({ ...defaultChartCopySettings, ...readsOnly })];
    const { clinicId, deviceId } = await clinicWithDevice(a);
    const log = entries(600, 3);
    const bodies = batches(log, 50) as UploadLogRequest[];
    const attempts = [...bodies.map((body) => a.ingest.upload(clinicId, deviceId, body)), ...[...bodies].reverse().map((body) => b.ingest.upload(clinicId, deviceId, body))];
    const outcomes = await Promise.allSettled(attempts);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect((outcome.reason as { getStatus?: () => number }).getStatus?.()).withContext(String(outcome.reason)).toBe(409);
    }
    for (const body of bodies) await b.ingest.upload(clinicId, deviceId, body);
    await Promise.all([readCopy(a, clinicId), readCopy(b, clinicId)]);
    expect(await storedLog(a.dataSource, clinicId)).toEqual({
      entries: 600, lastIndex: 600, acknowledgedIndex: 600, appliedIndex: 600, stateHash: hashOf(clinicId, log), outcomes: 0, divergences: 0,
    });
  });

  it('makes a second upload wait for the first one\'s transaction (the row lock)', async () => {
    const apiProcess = await startProcess();
    const { clinicId } = await clinicWithDevice(apiProcess);
    const { syncStates } = apiProcess;
    let releaseFirst!: () => void;
    let firstLocked!: () => void;
    const locked = new Promise<void>((resolve) => (firstLocked = resolve));
    const first = apiProcess.dataSource.transaction(async (manager) => {
      await syncStates.lockForUpload(manager, clinicId);
      firstLocked();
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      await manager.query('UPDATE clinic_sync_states SET acknowledged_index = 7 WHERE clinic_id = $1', [clinicId]);
    });
    await locked;
    let secondSaw: number | undefined;
    const second = apiProcess.dataSource.transaction(async (manager) => {
      secondSaw = await syncStates.lockForUpload(manager, clinicId);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondSaw).withContext('still waiting for the lock').toBeUndefined();
    releaseFirst();
    await Promise.all([first, second]);
    expect(secondSaw).toBe(7);
    await expectAsync(apiProcess.dataSource.transaction((manager) => syncStates.lockForUpload(manager, randomUUID()))).toBeResolvedTo(undefined);
  });

  it('drops a cached machine whose projection failed to commit: its entries are applied and recorded once, by the next one', async () => {
    const apiProcess = await startProcess();
    const { clinicId, deviceId } = await clinicWithDevice(apiProcess);
    const log = [...entries(59, 4), ...commandEntries(60, [Buffer.from('not a command')])];
    await uploadAll(apiProcess, clinicId, deviceId, log.slice(0, 30), 30);
    await readCopy(apiProcess, clinicId);
    const repository = apiProcess.copy['copies'] as ChartCopiesRepository;
    const saveProgress = spyOn(repository, 'saveProgress').and.rejectWith(new Error('connection lost'));
    await apiProcess.ingest.upload(clinicId, deviceId, { fromIndex: 31, entries: log.slice(30, 60) } as UploadLogRequest);
    await expectAsync(readCopy(apiProcess, clinicId)).toBeRejectedWithError('connection lost');
    expect(await storedLog(apiProcess.dataSource, clinicId)).withContext('the upload stands; the copy stays behind').toEqual(jasmine.objectContaining({
      entries: 60, acknowledgedIndex: 60, appliedIndex: 30, stateHash: hashOf(clinicId, log.slice(0, 30)), outcomes: 0,
    }));
    saveProgress.and.callThrough();
    expect(await readCopy(apiProcess, clinicId)).toEqual({ hash: hashOf(clinicId, log), patients: 20, appliedIndex: 60 });
    expect(await storedLog(apiProcess.dataSource, clinicId)).toEqual(jasmine.objectContaining({ appliedIndex: 60, stateHash: hashOf(clinicId, log), outcomes: 1 }));
  });

  it('acknowledges without applying, and catches up once the uploads pause after a batch, or go idle after less', async () => {
    const waiting = await startProcess();
    const pausing = await startProcess({ ...smallSettings, projectionQuietMs: 20, projectionBatchEntries: 30 });
    const idle = await startProcess({ ...smallSettings, projectionBatchEntries: 1_000, projectionIdleMs: 50 });
    const log = entries(40, 5);
    for (const apiProcess of [waiting, pausing, idle]) {
      const { clinicId, deviceId } = await clinicWithDevice(apiProcess);
      await uploadAll(apiProcess, clinicId, deviceId, log, 20);
      if (apiProcess === waiting) {
        expect(await storedLog(apiProcess.dataSource, clinicId)).toEqual(jasmine.objectContaining({ acknowledgedIndex: 40, appliedIndex: 0, stateHash: null }));
      } else {
        await until(async () => (await storedLog(apiProcess.dataSource, clinicId)).appliedIndex === 40);
        expect((await storedLog(apiProcess.dataSource, clinicId)).stateHash).toBe(hashOf(clinicId, log));
      }
    }
  });

  it('catches up a copy another process left behind, with no upload or read to prompt it', async () => {
    const uploader = await startProcess();
    const { clinicId, deviceId } = await clinicWithDevice(uploader);
    const log = entries(30, 6);
    await uploadAll(uploader, clinicId, deviceId, log, 10);
    expect((await storedLog(uploader.dataSource, clinicId)).appliedIndex).withContext('the uploader never caught up').toBe(0);
    // Another API process, started later, finds it on its periodic look for copies left behind.
    const sweeper = await startProcess({ ...smallSettings, trailingSweepIntervalMs: 30 });
    await until(async () => (await storedLog(sweeper.dataSource, clinicId)).appliedIndex === 30);
    expect((await storedLog(sweeper.dataSource, clinicId)).stateHash).toBe(hashOf(clinicId, log));
  });

  it('applies the entries its own uploads stored without reading them back', async () => {
    const apiProcess = await startProcess();
    const { clinicId, deviceId } = await clinicWithDevice(apiProcess);
    const log = entries(45, 8);
    await uploadAll(apiProcess, clinicId, deviceId, log, 15);
    const readRange = spyOn(apiProcess.copy['logEntries'], 'readRange').and.callThrough();
    expect(await readCopy(apiProcess, clinicId)).toEqual({ hash: hashOf(clinicId, log), patients: 20, appliedIndex: 45 });
    expect(readRange).not.toHaveBeenCalled();
    expect(apiProcess.copy['storedTails'].size).withContext('forgotten once applied').toBe(0);
  });

  it('makes an upload wait for the copy when it would trail by more than its bound', async () => {
    const apiProcess = await startProcess({ ...smallSettings, projectionLagEntriesMax: 50 });
    const { clinicId, deviceId } = await clinicWithDevice(apiProcess);
    const log = entries(90, 6);
    await uploadAll(apiProcess, clinicId, deviceId, log.slice(0, 50), 25);
    expect((await storedLog(apiProcess.dataSource, clinicId)).appliedIndex).withContext('50 behind: within the bound').toBe(0);
    await uploadAll(apiProcess, clinicId, deviceId, log.slice(50, 51), 1);
    expect(await storedLog(apiProcess.dataSource, clinicId))
      .toEqual(jasmine.objectContaining({ acknowledgedIndex: 51, appliedIndex: 51, stateHash: hashOf(clinicId, log.slice(0, 51)) }));
  });

  it('leaves the copy behind, never wrong, when a process stops between an upload and its projection', async () => {
    const stopping = await startProcess();
    const { clinicId, deviceId } = await clinicWithDevice(stopping);
    const log = entries(70, 7);
    await uploadAll(stopping, clinicId, deviceId, log.slice(0, 30), 30);
    await readCopy(stopping, clinicId);
    await uploadAll(stopping, clinicId, deviceId, log.slice(30, 70), 40);
    await stopping.close();
    processes.splice(processes.indexOf(stopping), 1); // stopped here already
    const next = await startProcess();
    expect(await storedLog(next.dataSource, clinicId))
      .toEqual(jasmine.objectContaining({ acknowledgedIndex: 70, appliedIndex: 30, stateHash: hashOf(clinicId, log.slice(0, 30)) }));
    expect(await readCopy(next, clinicId)).toEqual({ hash: hashOf(clinicId, log), patients: 20, appliedIndex: 70 });
  });

  it('keeps at most its bound of clinics in memory and rebuilds the others on demand', async () => {
    const apiProcess = await startProcess();
    const clinics = [await clinicWithDevice(apiProcess), await clinicWithDevice(apiProcess), await clinicWithDevice(apiProcess)];
    const logs = clinics.map((_, position) => entries(40, 10 + position));
    for (const [position, { clinicId, deviceId }] of clinics.entries()) {
      await uploadAll(apiProcess, clinicId, deviceId, logs[position]!, 40);
      await readCopy(apiProcess, clinicId);
    }
    expect(apiProcess.copy['cache'].size).toBe(smallSettings.clinicsCachedMax);
    for (const [position, { clinicId }] of clinics.entries()) expect((await readCopy(apiProcess, clinicId)).hash).toBe(hashOf(clinicId, logs[position]!));
  });
});
