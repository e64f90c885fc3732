// The repositories of log ingest and the chart copy against PostgreSQL, and the constraints behind them.
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ChartCopiesRepository } from '../../src/chart-copy/chart-copies.repository.js';
import { DivergencesRepository } from '../../src/sync/divergences.repository.js';
import { LogEntriesRepository } from '../../src/log-store/log-entries.repository.js';
import type { StoredEntry } from '../../src/log-store/log-entry.js';
import { SyncModule } from '../../src/sync/sync.module.js';
import { SyncStatesRepository } from '../../src/sync/sync-states.repository.js';
import { databaseTestModule, type DatabaseTestModule } from '../support/test-module.js';
import { testPostgresStartTimeoutMs } from '../support/test-postgres.js';

const hash = 'a'.repeat(32);

describe('log ingest and chart copy repositories (PostgreSQL)', () => {
  let testModule: DatabaseTestModule;
  let dataSource: DataSource;
  let logEntries: LogEntriesRepository;
  let syncStates: SyncStatesRepository;
  let divergences: DivergencesRepository;
  let copies: ChartCopiesRepository;

  async function newClinic(): Promise<{ clinicId: string; deviceId: string }> {
    const [clinic] = await dataSource.query("INSERT INTO clinics (name, chart_policy) VALUES ('Kisoro', 'merge') RETURNING id");
    const [device] = await dataSource.query("INSERT INTO devices (clinic_id, name, credential_hash) VALUES ($1, 'T', $2) RETURNING id", [clinic.id, randomBytes(32)]);
    return { clinicId: clinic.id, deviceId: device.id };
  }

  beforeAll(async () => {
    testModule = await databaseTestModule(SyncModule);
    dataSource = testModule.module.get(DataSource);
    logEntries = testModule.module.get(LogEntriesRepository);
    syncStates = testModule.module.get(SyncStatesRepository);
    divergences = testModule.module.get(DivergencesRepository);
    copies = testModule.module.get(ChartCopiesRepository);
  }, testPostgresStartTimeoutMs);

  afterAll(() => testModule.close());

  it('writes entries in one statement and reads back a range in index order, every kind intact', async () => {
    const { clinicId } = await newClinic();
    const entries: StoredEntry[] = [
      { index: 1, term: 1, kind: 'membership', change: { type: 'addVoter', nodeId: 'tablet-1' } },
      { index: 2, term: 2, kind: 'noop' },
      { index: 3, term: 2, kind: 'command', data: Buffer.from([1, 2, 3]) },
      { index: 4, term: 2, kind: 'command', data: Buffer.alloc(0) },
    ];
    await dataSource.transaction((manager) => logEntries.insert(manager, clinicId, entries));
    expect(await logEntries.readRange(dataSource.manager, clinicId, 1, 10)).toEqual(entries);
    expect(await logEntries.readRange(dataSource.manager, clinicId, 2, 3)).toEqual(entries.slice(1, 3));
    await expectAsync(dataSource.transaction((manager) => logEntries.insert(manager, clinicId, [entries[0]!]))).toBeRejectedWithError(/log_entries_pkey/);
  });

  it('keeps the sync state: 0 before any upload, undefined for an unknown clinic, and the last upload\'s leader', async () => {
    const { clinicId, deviceId } = await newClinic();
    await expectAsync(syncStates.acknowledgedIndex(clinicId)).toBeResolvedTo(0);
    await expectAsync(syncStates.acknowledgedIndex('00000000-0000-4000-8000-000000000000')).toBeResolvedTo(undefined);
    await dataSource.transaction(async (manager) => {
      expect(await syncStates.lockForUpload(manager, clinicId)).toBe(0);
      await syncStates.recordUpload(manager, clinicId, { acknowledgedIndex: 12, leaderDeviceId: deviceId, leaderCommitIndex: 20, leaderClockSkewMs: null });
    });
    await expectAsync(syncStates.acknowledgedIndex(clinicId)).toBeResolvedTo(12);
    expect(await dataSource.transaction((manager) => syncStates.lockForUpload(manager, clinicId))).toBe(12);
  });

  it('appends a batch continuing the log in one statement, and changes nothing for one that does not', async () => {
    const { clinicId, deviceId } = await newClinic();
    await dataSource.transaction((manager) => syncStates.lockForUpload(manager, clinicId)); // the row of a clinic that uploaded
    const state = () => dataSource.query(
      'SELECT acknowledged_index::int AS "acknowledgedIndex", leader_device_id AS "leaderDeviceId", leader_commit_index::int AS "leaderCommitIndex", leader_clock_skew_ms::int AS "skewMs" FROM clinic_sync_states WHERE clinic_id = $1',
      [clinicId],
    );
    const batch = (fromIndex: number, count: number): StoredEntry[] =>
      Array.from({ length: count }, (_, offset) => ({ index: fromIndex + offset, term: 1, kind: 'command' as const, data: Buffer.from([fromIndex + offset]) }));
    const upload = (acknowledgedIndex: number, leaderClockSkewMs: number | null = null) => (
      { acknowledgedIndex, leaderDeviceId: deviceId, leaderCommitIndex: acknowledgedIndex + 1, leaderClockSkewMs }
    );

    await expectAsync(syncStates.recordContinuingUpload(clinicId, batch(1, 3), upload(3, -420_000))).toBeResolvedTo(true);
    await expectAsync(syncStates.recordContinuingUpload(clinicId, batch(4, 2), upload(5))).toBeResolvedTo(true);
    expect(await state()).withContext('a leader that did not say its clock keeps the last skew').toEqual([{ acknowledgedIndex: 5, leaderDeviceId: deviceId, leaderCommitIndex: 6, skewMs: -420_000 }]);
    expect(await logEntries.readRange(dataSource.manager, clinicId, 1, 10)).toEqual(batch(1, 5));

    await expectAsync(syncStates.recordContinuingUpload(clinicId, batch(5, 2), upload(6))).withContext('a replay of entry 5').toBeResolvedTo(false);
    await expectAsync(syncStates.recordContinuingUpload(clinicId, batch(8, 2), upload(9))).withContext('a gap').toBeResolvedTo(false);
    await expectAsync(syncStates.recordContinuingUpload('00000000-0000-4000-8000-000000000000', batch(1, 1), upload(1))).withContext('no such clinic').toBeResolvedTo(false);
    expect(await state()).withContext('unchanged').toEqual([{ acknowledgedIndex: 5, leaderDeviceId: deviceId, leaderCommitIndex: 6, skewMs: -420_000 }]);
    expect(await logEntries.readRange(dataSource.manager, clinicId, 1, 10)).toEqual(batch(1, 5));
  });

  it('lets only one of two uploads racing to continue the log from the same index store its batch', async () => {
    const { clinicId, deviceId } = await newClinic();
    await dataSource.transaction((manager) => syncStates.lockForUpload(manager, clinicId));
    const entries = (term: number): StoredEntry[] => [{ index: 1, term, kind: 'noop' }, { index: 2, term, kind: 'noop' }];
    const upload = { acknowledgedIndex: 2, leaderDeviceId: deviceId, leaderCommitIndex: null, leaderClockSkewMs: null };
    const outcomes = await Promise.all([syncStates.recordContinuingUpload(clinicId, entries(1), upload), syncStates.recordContinuingUpload(clinicId, entries(2), upload)]);
    expect(outcomes.filter(Boolean).length).toBe(1);
    expect(await logEntries.readRange(dataSource.manager, clinicId, 1, 10)).toEqual(entries(outcomes[0] ? 1 : 2));
  });

  it('records a divergence once per distinct received entry, counting repeats', async () => {
    const { clinicId, deviceId } = await newClinic();
    const stored: StoredEntry = { index: 5, term: 1, kind: 'command', data: Buffer.from('a') };
    const received: StoredEntry = { index: 5, term: 1, kind: 'command', data: Buffer.from('b') };
    for (let repeat = 0; repeat < 3; repeat++) await dataSource.transaction((manager) => divergences.record(manager, clinicId, deviceId, { stored, received }));
    await dataSource.transaction((manager) => divergences.record(manager, clinicId, deviceId, { stored, received: { index: 5, term: 2, kind: 'noop' } }));
    const rows = await dataSource.query('SELECT received_term::int, received_kind, occurrences FROM log_divergences WHERE clinic_id = $1 ORDER BY received_term', [clinicId]);
    expect(rows).toEqual([{ received_term: 1, received_kind: 'command', occurrences: 3 }, { received_term: 2, received_kind: 'noop', occurrences: 1 }]);
  });

  it('saves the copy\'s progress, adding up rejection and conflict counts, and keeps only the newest snapshots', async () => {
    const { clinicId } = await newClinic();
    await expectAsync(copies.position(undefined, clinicId)).toBeResolvedTo({ appliedIndex: 0, snapshotIndex: 0 });
    const progress = { stateHash: hash, patients: 3, openConflicts: 1, newlyRejected: 2, newlyConflicting: 1, snapshotIndex: 0 };
    await dataSource.transaction((manager) => copies.saveProgress(manager, clinicId, { ...progress, appliedIndex: 10 }));
    await dataSource.transaction((manager) => copies.saveProgress(manager, clinicId, { ...progress, appliedIndex: 20, snapshotIndex: 20 }));
    const [row] = await dataSource.query('SELECT applied_index::int, rejected_commands::int, conflicting_commands::int, snapshot_index::int FROM chart_copies WHERE clinic_id = $1', [clinicId]);
    expect(row).toEqual({ applied_index: 20, rejected_commands: 4, conflicting_commands: 2, snapshot_index: 20 });

    for (const logIndex of [10, 20, 30]) {
      await dataSource.transaction((manager) => copies.saveSnapshot(manager, clinicId, { logIndex, stateHash: hash, data: Buffer.from(`state at ${logIndex}`) }, 2));
    }
    const kept = await dataSource.query('SELECT log_index::int FROM chart_snapshots WHERE clinic_id = $1 ORDER BY log_index', [clinicId]);
    expect(kept).toEqual([{ log_index: 20 }, { log_index: 30 }]);
    expect(await copies.latestSnapshot(undefined, clinicId, 29)).toEqual({ logIndex: 20, stateHash: hash, data: Buffer.from('state at 20') });
    expect(await copies.latestSnapshot(undefined, clinicId, 19)).toBeUndefined();
  });

  it('is backed by constraints: payloads match their kind, terms and indexes are positive, hashes are hex', async () => {
    const { clinicId } = await newClinic();
    const insert = (kind: string, data: Buffer | null, changeType: string | null, term = 1) =>
      dataSource.query('INSERT INTO log_entries (clinic_id, log_index, term, kind, data, change_type, change_node_id) VALUES ($1, 1, $2, $3, $4, $5, $6)', [clinicId, term, kind, data, changeType, changeType === null ? null : 'n']);
    await expectAsync(insert('command', null, null)).toBeRejectedWithError(/check/);
    await expectAsync(insert('noop', Buffer.from('x'), null)).toBeRejectedWithError(/check/);
    await expectAsync(insert('membership', null, 'promote')).toBeRejectedWithError(/change_type/);
    await expectAsync(insert('noop', null, null, 0)).toBeRejectedWithError(/term/);
    await expectAsync(insert('snapshot', null, null)).toBeRejectedWithError(/kind/);
    await expectAsync(dataSource.query("INSERT INTO chart_copies (clinic_id, applied_index, state_hash, patients, open_conflicts) VALUES ($1, 0, 'XYZ', 0, 0)", [clinicId])).toBeRejectedWithError(/state_hash/);
  });
});
