// What one clinic writes to a patient's chart reaches every other clinic holding that patient through its feed
// ('chartChange' items), over HTTP against a real PostgreSQL: in log order, as the other clinic's leader will
// propose it, never echoed back, never to a clinic that does not hold the patient.
import { randomUUID } from 'node:crypto';
import type { FeedItemResponse } from '../../src/feed/dto/feed.responses.js';
import { ClinicLog, type TestClinic as Clinic } from '../support/clinic-log.js';
import { call, clinicWithDevice, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';
import { registrationBody } from './feed-test-support.js';

describe('chart changes exported to the other clinics holding a patient', () => {
  let database: TestDatabase;
  let api: TestApp;

  const feed = async (clinic: Clinic): Promise<FeedItemResponse[]> => {
    const response = await call(api.baseUrl, 'GET', `/api/clinics/${clinic.clinicId}/feed?limit=500`, { token: clinic.credential });
    expect(response.status).toBe(200);
    return (response.body as { items: FeedItemResponse[] }).items;
  };
  const changes = async (clinic: Clinic): Promise<FeedItemResponse[]> => (await feed(clinic)).filter((item) => item.kind === 'chartChange');
  const commandTypes = (items: readonly FeedItemResponse[]): unknown[] => items.map((item) => (item.payload as { command: { type: string } }).command.type);

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApp(database.url);
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  it('sends a clinic what another wrote to a patient it holds, the history first, and nothing back', async () => {
    const kisoro = new ClinicLog(await clinicWithDevice(api, 'Kisoro'), 'kisoro-tablet');
    const rubanda = new ClinicLog(await clinicWithDevice(api, 'Rubanda'), 'rubanda-tablet');
    const kanungu = await clinicWithDevice(api, 'Kanungu');
    const registration = registrationBody();
    const patientId = registration.patientId as string;
    const { registeredBy, ...registered } = registration;
    void registeredBy;
    await kisoro.write(api, { type: 'registerPatient', ...registered, phone: null, address: null, nextOfKin: null });
    await kisoro.write(api, { type: 'addNote', noteId: randomUUID(), patientId, visitId: null, kind: 'nursing', text: 'Before Rubanda knew her.' });
    expect(await changes(rubanda.clinic)).withContext('Rubanda does not hold the patient yet').toEqual([]);

    // Central registers her for Rubanda too; Rubanda's leader imports it: Rubanda now holds her.
    const posted = await call(api.baseUrl, 'POST', `/api/clinics/${rubanda.clinic.clinicId}/feed/registrations`, { token: api.adminToken, json: registration });
    expect(posted.status).withContext(JSON.stringify(posted.body)).toBe(201);
    await rubanda.import(api, await feed(rubanda.clinic));

    const visitId = randomUUID();
    const allergy = { type: 'recordAllergy', allergyId: randomUUID(), patientId, substance: 'Penicillin', reaction: 'rash', severity: 'moderate' };
    await kisoro.write(api, allergy, { type: 'openVisit', visitId, patientId, reason: 'fever', station: 'triage' }, { type: 'moveVisit', visitId, fromStation: 'triage', toStation: 'clinician' });

    const exported = await changes(rubanda.clinic);
    // The note written before Rubanda held her came as her history, as soon as Rubanda's import made it hold her.
    expect(commandTypes(exported)).toEqual(['addNote', 'recordAllergy', 'openVisit', 'moveVisit']);
    expect((exported[0]!.payload as { command: { text: string } }).command.text).toBe('Before Rubanda knew her.');
    expect(exported[1]!.payload).toEqual({
      clientId: 'central-feed', sequence: 3, recordedAt: 1_790_000_000_003,
      author: { deviceId: 'kisoro-tablet', userName: 'Nurse Achieng', role: 'nurse' }, command: allergy,
    });
    expect((exported[2]!.payload as { command: unknown }).command).withContext("the visit is marked as Kisoro's")
      .toEqual({ type: 'openVisit', visitId, patientId, reason: 'fever', station: 'triage', clinicId: kisoro.clinic.clinicId });
    expect(await changes(kanungu)).withContext('a clinic that does not hold her gets nothing').toEqual([]);

    // Rubanda imports them: its copy (and its devices) now show the allergy, and Kisoro's visit in no queue.
    await rubanda.import(api, exported);
    const chart = await call(api.baseUrl, 'GET', `/api/clinics/${rubanda.clinic.clinicId}/patients/${patientId}`, { token: rubanda.clinic.credential });
    expect(chart.status).toBe(200);
    const shown = chart.body as { allergies: { substance: string }[]; notes: { text: string }[]; visits: { visitId: string; atClinicId: string | null; station: string }[] };
    expect(shown.allergies.map((entry) => entry.substance)).toEqual(['Penicillin']);
    expect(shown.notes.map((entry) => entry.text)).toEqual(['Before Rubanda knew her.']);
    expect(shown.visits).toEqual([jasmine.objectContaining({ visitId, atClinicId: kisoro.clinic.clinicId, station: 'clinician' })]);
    expect(await changes(kisoro.clinic)).withContext('imports are not echoed back').toEqual([]);

    // Rubanda's own write reaches Kisoro.
    await rubanda.write(api, { type: 'addNote', noteId: randomUUID(), patientId, visitId: null, kind: 'clinical', text: 'Seen in Rubanda.' });
    expect(commandTypes(await changes(kisoro.clinic))).toEqual(['addNote']);
  });
});
