// The clinic and device repositories against a real PostgreSQL.
import { DataSource } from 'typeorm';
import { hashCredential } from '../../src/auth/credentials.js';
import { ClinicsModule } from '../../src/clinics/clinics.module.js';
import { ClinicsRepository } from '../../src/clinics/clinics.repository.js';
import { DevicesRepository } from '../../src/clinics/devices.repository.js';
import { databaseTestModule, type DatabaseTestModule } from '../support/test-module.js';
import { testPostgresStartTimeoutMs } from '../support/test-postgres.js';

const missingId = '00000000-0000-4000-8000-000000000000';

describe('clinic and device repositories (PostgreSQL)', () => {
  let testModule: DatabaseTestModule;
  let clinics: ClinicsRepository;
  let devices: DevicesRepository;
  let dataSource: DataSource;

  beforeAll(async () => {
    testModule = await databaseTestModule(ClinicsModule);
    clinics = testModule.module.get(ClinicsRepository);
    devices = testModule.module.get(DevicesRepository);
    dataSource = testModule.module.get(DataSource);
  }, testPostgresStartTimeoutMs);

  afterAll(() => testModule.close());

  it('inserts a clinic with a generated id and creation time, and finds it by id', async () => {
    const inserted = await clinics.insert('Kisoro', 'lease');
    expect(inserted.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(inserted.createdAt).toBeInstanceOf(Date);
    await expectAsync(clinics.findById(inserted.id)).toBeResolvedTo(inserted);
    await expectAsync(clinics.findById(missingId)).toBeResolvedTo(undefined);
  });

  it('enrolls a device and finds it by the hash of its credential', async () => {
    const clinic = await clinics.insert('Bunagana', 'merge');
    const credentialHash = hashCredential('cmdev_secret');
    const outcome = await devices.enroll({ clinicId: clinic.id, name: 'Desk', credentialHash }, 10);
    if (outcome.kind !== 'enrolled') throw new Error(`not enrolled: ${outcome.kind}`);
    expect(outcome.device).toEqual(jasmine.objectContaining({ clinicId: clinic.id, name: 'Desk', lastSeenAt: null }));
    const found = await devices.findByCredentialHash(credentialHash);
    expect(found?.id).toBe(outcome.device.id);
    expect(found?.credentialHash.equals(credentialHash)).toBeTrue();
    await expectAsync(devices.findByCredentialHash(hashCredential('cmdev_other'))).toBeResolvedTo(undefined);
  });

  it('refuses to enroll into a clinic that does not exist', async () => {
    await expectAsync(devices.enroll({ clinicId: missingId, name: 'Desk', credentialHash: hashCredential('x') }, 10)).toBeResolvedTo({ kind: 'clinic-not-found' });
  });

  it('never lets concurrent enrollments pass the per-clinic limit', async () => {
    const clinic = await clinics.insert('Rubanda', 'lease');
    const devicesMax = 3;
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, index) => devices.enroll({ clinicId: clinic.id, name: `Tablet ${index}`, credentialHash: hashCredential(`token-${index}`) }, devicesMax)),
    );
    expect(outcomes.filter((outcome) => outcome.kind === 'enrolled').length).toBe(devicesMax);
    expect(outcomes.filter((outcome) => outcome.kind === 'clinic-full').length).toBe(8 - devicesMax);
    expect((await devices.listByClinic(clinic.id, 100)).length).toBe(devicesMax);
  });

  it('lists a clinic\'s devices oldest first, at most the number asked', async () => {
    const clinic = await clinics.insert('Kabale', 'lease');
    for (const name of ['First', 'Second', 'Third']) await devices.enroll({ clinicId: clinic.id, name, credentialHash: hashCredential(`${clinic.id}-${name}`) }, 10);
    expect((await devices.listByClinic(clinic.id, 10)).map((device) => device.name)).toEqual(['First', 'Second', 'Third']);
    expect((await devices.listByClinic(clinic.id, 2)).map((device) => device.name)).toEqual(['First', 'Second']);
  });

  it('records when a device was seen, at most once per interval', async () => {
    const clinic = await clinics.insert('Kisoro', 'lease');
    const outcome = await devices.enroll({ clinicId: clinic.id, name: 'Tablet', credentialHash: hashCredential(`${clinic.id}-seen`) }, 10);
    if (outcome.kind !== 'enrolled') throw new Error(`not enrolled: ${outcome.kind}`);
    const lastSeen = async () => (await devices.listByClinic(clinic.id, 10))[0]?.lastSeenAt;

    await devices.recordSeen(outcome.device.id, 60_000);
    const first = await lastSeen();
    expect(first).toBeInstanceOf(Date);
    await devices.recordSeen(outcome.device.id, 60_000);
    expect(await lastSeen()).toEqual(first);

    await dataSource.query("UPDATE devices SET last_seen_at = now() - interval '2 minutes' WHERE id = $1", [outcome.device.id]);
    await devices.recordSeen(outcome.device.id, 60_000);
    expect((await lastSeen())!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('is backed by constraints: a known chart policy, a 32-byte hash, one device per credential', async () => {
    await expectAsync(dataSource.query("INSERT INTO clinics (name, chart_policy) VALUES ('X', 'share')")).toBeRejectedWithError(/chart_policy/);
    const clinic = await clinics.insert('Kisoro', 'lease');
    const insertDevice = (hash: Buffer) => dataSource.query('INSERT INTO devices (clinic_id, name, credential_hash) VALUES ($1, $2, $3)', [clinic.id, 'T', hash]);
    await expectAsync(insertDevice(Buffer.alloc(16))).toBeRejectedWithError(/credential_hash/);
    await insertDevice(hashCredential('shared'));
    await expectAsync(insertDevice(hashCredential('shared'))).toBeRejectedWithError(/devices_credential_hash_key/);
  });
});
