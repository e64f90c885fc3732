// The lease repositories and the fencing rule against a real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ClinicsModule } from '../../src/clinics/clinics.module.js';
import { ClinicsRepository } from '../../src/clinics/clinics.repository.js';
import { ChartLeaseGrantsRepository } from '../../src/leases/chart-lease-grants.repository.js';
import { LeaseFencing } from '../../src/leases/lease-fencing.js';
import { LeaseFencingModule } from '../../src/leases/lease-fencing.module.js';
import { LeasesModule } from '../../src/leases/leases.module.js';
import { LeasesRepository } from '../../src/leases/leases.repository.js';
import { LogEntriesRepository } from '../../src/log-store/log-entries.repository.js';
import { databaseTestModule, type DatabaseTestModule } from '../support/test-module.js';
import { testPostgresStartTimeoutMs } from '../support/test-postgres.js';
import { expireLeasesOf } from './lease-test-support.js';

const durationSeconds = 60;

describe('chart lease repositories and fencing (PostgreSQL)', () => {
  let testModule: DatabaseTestModule;
  let grants: ChartLeaseGrantsRepository;
  let leases: LeasesRepository;
  let fencing: LeaseFencing;
  let dataSource: DataSource;
  let clinicA: string;
  let clinicB: string;

  beforeAll(async () => {
    testModule = await databaseTestModule(ClinicsModule, LeasesModule.forRoot(), LeaseFencingModule);
    grants = testModule.module.get(ChartLeaseGrantsRepository);
    leases = testModule.module.get(LeasesRepository);
    fencing = testModule.module.get(LeaseFencing);
    dataSource = testModule.module.get(DataSource);
    const clinics = testModule.module.get(ClinicsRepository);
    clinicA = (await clinics.insert('A', 'lease')).id;
    clinicB = (await clinics.insert('B', 'lease')).id;
  }, testPostgresStartTimeoutMs);

  afterAll(() => testModule.close());

  async function grant(patientId: string, clinicId: string) {
    const outcome = await grants.acquire(patientId, clinicId, durationSeconds);
    if (outcome.kind !== 'granted') throw new Error(`expected a grant, got ${outcome.kind}`);
    return outcome.lease;
  }

  it('grants epoch 1, then refuses another clinic naming the holder, and extends the holder\'s own lease', async () => {
    const patientId = randomUUID();
    const lease = await grant(patientId, clinicA);
    expect(lease).toEqual(jasmine.objectContaining({ patientId, clinicId: clinicA, epoch: 1, releasedAt: null }));
    expect(lease.expiresAt.getTime() - lease.grantedAt.getTime()).toBe(durationSeconds * 1000);
    const refused = await grants.acquire(patientId, clinicB, durationSeconds);
    expect(refused).toEqual({ kind: 'held-by-another', holder: jasmine.objectContaining({ id: lease.id, clinicId: clinicA }) });
    const extended = await grants.acquire(patientId, clinicA, durationSeconds);
    expect(extended.kind).toBe('extended');
    if (extended.kind === 'extended') {
      expect(extended.lease.id).toBe(lease.id);
      expect(extended.lease.expiresAt.getTime()).toBeGreaterThanOrEqual(lease.expiresAt.getTime());
    }
  });

  it('never shortens a lease when the duration setting shrinks', async () => {
    const patientId = randomUUID();
    const lease = await grant(patientId, clinicA);
    const extended = await grants.acquire(patientId, clinicA, 1);
    expect(extended.kind === 'extended' && extended.lease.expiresAt.getTime()).toBe(lease.expiresAt.getTime());
  });

  it('refuses a clinic that does not exist without creating anything', async () => {
    const patientId = randomUUID();
    await expectAsync(grants.acquire(patientId, '00000000-0000-4000-8000-000000000000', durationSeconds)).toBeResolvedTo({ kind: 'clinic-not-found' });
    expect(await dataSource.query('SELECT 1 FROM chart_lease_heads WHERE patient_id = $1', [patientId])).toEqual([]);
  });

  it('keeps the head row on the current lease and the last epoch, across clinics', async () => {
    const patientId = randomUUID();
    await grant(patientId, clinicA);
    await expireLeasesOf(dataSource, patientId);
    const second = await grant(patientId, clinicB);
    const [head] = await dataSource.query('SELECT last_epoch::int AS epoch, current_lease_id FROM chart_lease_heads WHERE patient_id = $1', [patientId]);
    expect(head).toEqual({ epoch: 2, current_lease_id: second.id });
  });

  it('renews only the current, unreleased lease; answers superseded and released', async () => {
    const patientId = randomUUID();
    const first = await grant(patientId, clinicA);
    await expectAsync(grants.renew(randomUUID(), durationSeconds)).toBeResolvedTo({ kind: 'not-found' });
    await grants.release(first.id);
    await expectAsync(grants.renew(first.id, durationSeconds)).toBeResolvedTo({ kind: 'released' });
    const second = await grant(patientId, clinicB);
    const superseded = await grants.renew(first.id, durationSeconds);
    expect(superseded).toEqual({ kind: 'superseded', current: jasmine.objectContaining({ id: second.id }), currentActive: true });
    await expireLeasesOf(dataSource, patientId);
    expect(await grants.renew(first.id, durationSeconds)).toEqual(jasmine.objectContaining({ kind: 'superseded', currentActive: false }));
  });

  it('keeps the first release time when released twice', async () => {
    const lease = await grant(randomUUID(), clinicA);
    const releasedAt = async () => {
      const outcome = await grants.release(lease.id);
      if (outcome.kind !== 'released') throw new Error(`not released: ${outcome.kind}`);
      return outcome.lease.releasedAt;
    };
    const first = await releasedAt();
    expect(first).toBeInstanceOf(Date);
    expect(await releasedAt()).toEqual(first);
    await expectAsync(grants.release(randomUUID())).toBeResolvedTo({ kind: 'not-found' });
  });

  it('lets exactly one of many concurrent acquisitions win, with the database refusing duplicate epochs', async () => {
    const patientId = randomUUID();
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, index) => grants.acquire(patientId, index % 2 === 0 ? clinicA : clinicB, durationSeconds)));
    expect(outcomes.filter((outcome) => outcome.kind === 'granted').length).toBe(1);
    await expectAsync(
      dataSource.query("INSERT INTO chart_leases (patient_id, clinic_id, epoch, granted_at, expires_at) VALUES ($1, $2, 1, now(), now() + interval '1 minute')", [patientId, clinicA]),
    ).toBeRejectedWithError(/chart_leases_patient_epoch_key/);
  });

  it('lists leases with their activity by the database clock', async () => {
    const patientId = randomUUID();
    const lease = await grant(patientId, clinicB);
    expect(await leases.list({ patientId, limit: 10 })).toEqual([{ lease: jasmine.objectContaining({ id: lease.id }), active: true }]);
    await expireLeasesOf(dataSource, patientId);
    expect(await leases.list({ patientId, active: true, limit: 10 })).toEqual([]);
    expect((await leases.findById(lease.id))?.epoch).toBe(1);
    await expectAsync(leases.findById(randomUUID())).toBeResolvedTo(undefined);
  });

  describe('fenceStaleWrites', () => {
    const fence = (clinicId: string, writes: { logIndex: number; patientId: string; writtenEpoch: number }[]) =>
      dataSource.transaction((manager) => fencing.fenceStaleWrites(manager, clinicId, writes));
    const recorded = (clinicId: string) =>
      dataSource.query(
        `SELECT log_index::int, patient_id, written_epoch::int, current_epoch::int, current_holder_clinic_id FROM lease_fencing_conflicts
         WHERE clinic_id = $1 ORDER BY log_index`,
        [clinicId],
      );

    it('fences a write made under an epoch since granted to another clinic, and records it once', async () => {
      const [clinic, patientId] = [(await testModule.module.get(ClinicsRepository).insert('C', 'lease')).id, randomUUID()];
      const first = await grant(patientId, clinic);
      await grants.release(first.id);
      const second = await grant(patientId, clinicB);
      const writes = [
        { logIndex: 5, patientId, writtenEpoch: first.epoch },
        { logIndex: 6, patientId, writtenEpoch: 0 },
        { logIndex: 7, patientId: randomUUID(), writtenEpoch: 0 },
      ];
      const expected = (logIndex: number, writtenEpoch: number) => ({ logIndex, patientId, writtenEpoch, currentEpoch: second.epoch, currentHolderClinicId: clinicB });
      expect(await fence(clinic, writes)).toEqual([expected(5, 1), expected(6, 0)]);
      expect(await fence(clinic, writes)).withContext('found stale again, recorded once').toEqual([expected(5, 1), expected(6, 0)]);
      expect(await recorded(clinic)).toEqual([
        { log_index: 5, patient_id: patientId, written_epoch: 1, current_epoch: 2, current_holder_clinic_id: clinicB },
        { log_index: 6, patient_id: patientId, written_epoch: 0, current_epoch: 2, current_holder_clinic_id: clinicB },
      ]);
    });

    it('lets through writes under the current epoch, under the clinic\'s own older epoch after its re-grant, and to charts never leased', async () => {
      const [clinic, patientId, neverLeased] = [(await testModule.module.get(ClinicsRepository).insert('D', 'lease')).id, randomUUID(), randomUUID()];
      const first = await grant(patientId, clinic);
      await grants.release(first.id);
      const regrant = await grant(patientId, clinic);
      expect(regrant.epoch).toBe(2);
      const writes = [
        { logIndex: 1, patientId, writtenEpoch: first.epoch },
        { logIndex: 2, patientId, writtenEpoch: regrant.epoch },
        { logIndex: 3, patientId: neverLeased, writtenEpoch: 0 },
      ];
      expect(await fence(clinic, writes)).toEqual([]);
      expect(await recorded(clinic)).toEqual([]);
      await expectAsync(fence(clinic, [])).toBeResolvedTo([]);
    });

    it('leaves the stored log to its owner: the fenced entry, and no other, is marked by the log store', async () => {
      const [clinic, patientId] = [(await testModule.module.get(ClinicsRepository).insert('E', 'lease')).id, randomUUID()];
      await dataSource.query(
        "INSERT INTO log_entries (clinic_id, log_index, term, kind) SELECT $1, i, 1, 'noop' FROM generate_series(1, 3) AS i",
        [clinic],
      );
      await grant(patientId, clinicB);
      const fenced = await fence(clinic, [{ logIndex: 2, patientId, writtenEpoch: 0 }, { logIndex: 3, patientId: randomUUID(), writtenEpoch: 0 }]);
      const marked = await dataSource.query('SELECT count(*)::int AS marked FROM log_entries WHERE clinic_id = $1 AND fenced', [clinic]);
      expect(marked).withContext('fencing records conflicts only').toEqual([{ marked: 0 }]);
      await dataSource.transaction((manager) => new LogEntriesRepository().markFenced(manager, clinic, fenced.map((write) => write.logIndex)));
      const rows = await dataSource.query('SELECT log_index::int, fenced FROM log_entries WHERE clinic_id = $1 ORDER BY log_index', [clinic]);
      expect(rows).toEqual([{ log_index: 1, fenced: false }, { log_index: 2, fenced: true }, { log_index: 3, fenced: false }]);
    });
  });
});
