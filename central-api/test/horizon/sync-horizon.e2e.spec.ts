// A clinic's sync horizon over HTTP against a real PostgreSQL: an admin sets which other clinics' patients a
// clinic pre-caches and how deep; central queues each patient's registration and history into the clinic's
// feed, resumably and once; the feed reports progress as of what the clinic's log decided; the clinic then
// holds those patients like any other (later writes elsewhere reach it).
import { randomUUID } from 'node:crypto';
import { feedOf, ClinicLog, type TestClinic } from '../support/clinic-log.js';
import { call, clinicWithDevice, testAppPerSuite, type TestApp } from '../support/test-app.js';
import type { FeedItemResponse } from '../../src/feed/dto/feed.responses.js';
import type { HorizonResponse } from '../../src/horizon/dto/horizon.responses.js';
import { HorizonFiller } from '../../src/horizon/horizon-filler.js';
import { DataSource } from 'typeorm';

const dayMs = 86_400_000;
const yearMs = 365.25 * dayMs;

function registration(patientId: string, given: string): Record<string, unknown> {
  return {
    type: 'registerPatient', patientId, name: { given, family: 'Tumusiime' }, sex: 'female', birth: { estimated: false, dateOfBirth: '1988-02-03' },
    identifiers: [], phone: null, address: null, nextOfKin: null,
  };
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

describe('a clinic\'s sync horizon', () => {
  const api = testAppPerSuite();

  const setHorizon = (clinicId: string, body: Record<string, unknown>, token = api().adminToken) =>
    call(api().baseUrl, 'PUT', `/api/clinics/${clinicId}/horizon`, { token, json: body });

  /** The horizon once its newest revision's download is queued whole. */
  async function downloaded(app: TestApp, clinic: TestClinic): Promise<HorizonResponse> {
    for (;;) {
      const read = await call(app.baseUrl, 'GET', `/api/clinics/${clinic.clinicId}/horizon`, { token: clinic.credential });
      expect(read.status).toBe(200);
      const horizon = read.body as HorizonResponse;
      if (horizon.download?.revision === horizon.revision && horizon.download.finishedAt !== null) return horizon;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const patientsIn = (items: readonly FeedItemResponse[]): string[] => [...new Set(items
    .filter((item) => (item.payload as { command: { type: string } }).command.type === 'registerPatient')
    .map((item) => (item.payload as { command: { patientId: string } }).command.patientId))];
  const commandsOf = (items: readonly FeedItemResponse[], patientId: string): string[] => items
    .map((item) => (item.payload as { command: Record<string, unknown> }).command)
    .filter((command) => command.patientId === patientId || command.type === 'dispense' || command.type === 'recordLabResult' || command.type === 'moveVisit')
    .map((command) => command.type as string);

  const horizonBody = (fromClinicIds: string[], overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    fromClinicIds, registeredThere: false, seenWithinDays: 365, appointmentsWithinDays: 14,
    years: { encounters: 1, labs: 1, prescriptions: 6 }, ...overrides,
  });

  it('brings the patients seen or expected at the source clinics, as deep as asked, once, with progress', async () => {
    const now = Date.now();
    const kisoro = new ClinicLog(await clinicWithDevice(api(), 'Kisoro'), 'kisoro-tablet');
    const bunagana = new ClinicLog(await clinicWithDevice(api(), 'Bunagana'), 'bunagana-tablet');
    const [recent, longAgo, expected] = [randomUUID(), randomUUID(), randomUUID()];
    await kisoro.writeAt(api(), now - 4 * yearMs, registration(recent, 'Recent'), registration(longAgo, 'Longago'), registration(expected, 'Expected'));
    await kisoro.writeAt(api(), now - 4 * yearMs, { type: 'recordAllergy', allergyId: randomUUID(), patientId: recent, substance: 'Sulfa', reaction: 'rash', severity: 'severe' });
    // Three years ago: a visit with vitals (encounters: 1 year, so not sent) and a prescription dispensed
    // (prescriptions: all, so sent, with the visit it was made in).
    const oldVisit = randomUUID();
    const oldPrescription = randomUUID();
    await kisoro.writeAt(api(), now - 3 * yearMs,
      { type: 'openVisit', visitId: oldVisit, patientId: recent, reason: 'cough', station: 'triage' },
      { type: 'recordVitals', vitalsId: randomUUID(), patientId: recent, visitId: oldVisit, measurements: { temperatureCelsius: 38.1 } },
      {
        type: 'prescribe', prescriptionId: oldPrescription, patientId: recent, visitId: oldVisit, drug: 'Amoxicillin',
        dose: { amount: 500, unit: 'mg' }, route: 'oral', frequency: 'three-times-daily', durationDays: 5, instructions: null,
      },
      { type: 'dispense', dispenseId: randomUUID(), prescriptionId: oldPrescription, quantity: { amount: 15, unit: 'capsules' }, note: null },
      { type: 'openVisit', visitId: randomUUID(), patientId: longAgo, reason: 'check-up', station: 'triage' });
    // A month ago: a visit with a lab order and its result.
    const recentVisit = randomUUID();
    const labOrder = randomUUID();
    await kisoro.writeAt(api(), now - 30 * dayMs,
      { type: 'openVisit', visitId: recentVisit, patientId: recent, reason: 'fever', station: 'triage' },
      { type: 'orderLab', labOrderId: labOrder, patientId: recent, visitId: recentVisit, test: 'Malaria RDT', specimen: 'blood' },
      { type: 'recordLabResult', labResultId: randomUUID(), labOrderId: labOrder, result: { kind: 'text', text: 'negative' }, interpretation: 'normal' });
    await kisoro.writeAt(api(), now, { type: 'bookAppointment', appointmentId: randomUUID(), patientId: expected, date: isoDay(now + 5 * dayMs), time: null, reason: 'antenatal' });

    const atKisoro = await call(api().baseUrl, 'GET', `/api/clinics/${kisoro.clinic.clinicId}/patients/${recent}`, { token: kisoro.clinic.credential });
    expect((atKisoro.body as { vitals: unknown[]; prescriptions: unknown[] }).vitals.length).withContext('Kisoro holds what it wrote').toBe(1);

    const set = await setHorizon(bunagana.clinic.clinicId, horizonBody([kisoro.clinic.clinicId]));
    expect(set.status).withContext(JSON.stringify(set.body)).toBe(200);
    expect((set.body as HorizonResponse).revision).toBe(1);
    const horizon = await downloaded(api(), bunagana.clinic);
    expect(horizon.download).toEqual(jasmine.objectContaining({ revision: 1, patientsTotal: 2, patientsQueued: 2 }));

    const { items, horizon: before } = await feedOf(api(), bunagana.clinic);
    expect(patientsIn(items)).withContext('seen within a year, or expected within 14 days; not the one seen 3 years ago').toEqual([recent, expected]);
    expect(commandsOf(items, recent)).toEqual(['registerPatient', 'recordAllergy', 'openVisit', 'prescribe', 'dispense', 'openVisit', 'orderLab', 'recordLabResult']);
    expect(before).withContext('nothing decided yet; both once this page is').toEqual({ revision: 1, patientsTotal: 2, patientsReceived: 0, patientsReceivedWithPage: 2, queueing: false });
    const firstOfSecond = items.findIndex((item) => (item.payload as { command: { patientId?: string } }).command.patientId === expected);
    const firstPatientsPage = await call(api().baseUrl, 'GET', `/api/clinics/${bunagana.clinic.clinicId}/feed?limit=${firstOfSecond}&afterSequence=0`, { token: bunagana.clinic.credential });
    expect((firstPatientsPage.body as { horizon: unknown }).horizon).withContext('a page that ends with the first patient\'s last item')
      .toEqual({ revision: 1, patientsTotal: 2, patientsReceived: 0, patientsReceivedWithPage: 1, queueing: false });
    expect((await feedOf(api(), bunagana.clinic, items[firstOfSecond - 1]!.sequence)).horizon)
      .toEqual({ revision: 1, patientsTotal: 2, patientsReceived: 1, patientsReceivedWithPage: 2, queueing: false });
    expect((await feedOf(api(), bunagana.clinic, items.at(-1)!.sequence)).horizon)
      .toEqual({ revision: 1, patientsTotal: 2, patientsReceived: 2, patientsReceivedWithPage: 2, queueing: false });

    // Bunagana's leader imports them: its copy holds the chart as Kisoro wrote it, Kisoro's visits in no queue.
    await bunagana.import(api(), items);
    const chart = await call(api().baseUrl, 'GET', `/api/clinics/${bunagana.clinic.clinicId}/patients/${recent}`, { token: bunagana.clinic.credential });
    expect(chart.status).toBe(200);
    const shown = chart.body as { allergies: unknown[]; prescriptions: { dispenses: unknown[] }[]; vitals: unknown[]; visits: { atClinicId: string | null }[] };
    expect(shown.allergies.length).toBe(1);
    expect(shown.prescriptions.map((prescription) => prescription.dispenses.length)).toEqual([1]);
    expect(shown.vitals).withContext('encounters: 1 year').toEqual([]);
    expect(shown.visits.map((visit) => visit.atClinicId)).toEqual([kisoro.clinic.clinicId, kisoro.clinic.clinicId]);

    // The same horizon again brings nothing new; Kisoro's next write to a patient Bunagana holds reaches it.
    expect((await setHorizon(bunagana.clinic.clinicId, horizonBody([kisoro.clinic.clinicId]))).status).toBe(200);
    expect((await downloaded(api(), bunagana.clinic)).download).toEqual(jasmine.objectContaining({ revision: 2, patientsTotal: 0 }));
    await kisoro.write(api(), { type: 'addNote', noteId: randomUUID(), patientId: recent, visitId: null, kind: 'clinical', text: 'Referred to Bunagana.' });
    const after = (await feedOf(api(), bunagana.clinic, items.at(-1)!.sequence)).items;
    expect(after.map((item) => (item.payload as { command: { type: string } }).command.type)).toEqual(['addNote']);

    // Widened to every patient registered at Kisoro: the one seen long ago comes too, with no visit (encounters: 1 year).
    expect((await setHorizon(bunagana.clinic.clinicId, horizonBody([kisoro.clinic.clinicId], { registeredThere: true }))).status).toBe(200);
    expect((await downloaded(api(), bunagana.clinic)).download).toEqual(jasmine.objectContaining({ revision: 3, patientsTotal: 1, patientsQueued: 1 }));
    const widened = (await feedOf(api(), bunagana.clinic, after.at(-1)!.sequence)).items;
    expect(widened.map((item) => (item.payload as { command: { type: string; patientId: string } }).command)).toEqual([jasmine.objectContaining({ type: 'registerPatient', patientId: longAgo })]);

    // Bunagana holding Kisoro's patients does not make them registered at Bunagana.
    const kanungu = await clinicWithDevice(api(), 'Kanungu');
    await bunagana.import(api(), [...after, ...widened]);
    expect((await setHorizon(kanungu.clinicId, horizonBody([bunagana.clinic.clinicId], { registeredThere: true, seenWithinDays: 0, appointmentsWithinDays: 0 }))).status).toBe(200);
    expect((await downloaded(api(), kanungu)).download).toEqual(jasmine.objectContaining({ patientsTotal: 0 }));
  });

  it('follows the calendar: a patient booked at the source after the download is brought by the hourly refresh, counted in the same revision', async () => {
    const now = Date.now();
    const kisoro = new ClinicLog(await clinicWithDevice(api(), 'Kisoro'), 'kisoro-tablet');
    const bunagana = await clinicWithDevice(api(), 'Bunagana');
    const [first, bookedLater] = [randomUUID(), randomUUID()];
    await kisoro.writeAt(api(), now, registration(first, 'First'), registration(bookedLater, 'Later'),
      { type: 'bookAppointment', appointmentId: randomUUID(), patientId: first, date: isoDay(now + 2 * dayMs), time: null, reason: 'antenatal' });
    expect((await setHorizon(bunagana.clinicId, horizonBody([kisoro.clinic.clinicId], { seenWithinDays: 0 }))).status).toBe(200);
    expect((await downloaded(api(), bunagana)).download).toEqual(jasmine.objectContaining({ revision: 1, patientsTotal: 1, patientsQueued: 1 }));

    await kisoro.writeAt(api(), now, { type: 'bookAppointment', appointmentId: randomUUID(), patientId: bookedLater, date: isoDay(now + 3 * dayMs), time: null, reason: 'review' });
    const filler = api().app.get(HorizonFiller);
    await filler.request(bunagana.clinicId);
    expect((await downloaded(api(), bunagana)).download).withContext('not due yet: finished moments ago').toEqual(jasmine.objectContaining({ patientsTotal: 1 }));

    // An hour and a minute later (the finish time moved back, as the clock cannot be).
    await api().app.get(DataSource).query("UPDATE horizon_fills SET finished_at = finished_at - interval '61 minutes' WHERE clinic_id = $1", [bunagana.clinicId]);
    await filler.request(bunagana.clinicId);
    const refreshed = await downloaded(api(), bunagana);
    expect(refreshed.revision).toBe(1);
    expect(refreshed.download).toEqual(jasmine.objectContaining({ revision: 1, patientsTotal: 2, patientsQueued: 2 }));
    const { items, horizon } = await feedOf(api(), bunagana);
    expect(patientsIn(items)).toEqual([first, bookedLater]);
    expect(horizon).withContext('nothing decided yet').toEqual({ revision: 1, patientsTotal: 2, patientsReceived: 0, patientsReceivedWithPage: 2, queueing: false });
    expect(Date.now() - Date.parse(refreshed.download!.finishedAt!)).withContext('the refresh stamped its finish: not due for another hour').toBeLessThan(60_000);
  });

  it('answers a clear error for a horizon it cannot keep, and lets only an admin set one', async () => {
    const clinic = await clinicWithDevice(api(), 'Rubanda');
    const other = await clinicWithDevice(api(), 'Kabale');
    const refused = async (body: Record<string, unknown>): Promise<string> => {
      const answer = await setHorizon(clinic.clinicId, body);
      expect(answer.status).withContext(JSON.stringify(body)).toBe(400);
      return JSON.stringify(answer.body);
    };
    expect(await refused(horizonBody([clinic.clinicId]))).toContain('its own patients');
    const unknownClinic = randomUUID();
    expect(await refused(horizonBody([unknownClinic]))).toContain(unknownClinic);
    expect(await refused(horizonBody([other.clinicId], { years: { encounters: 7, labs: 1, prescriptions: 1 } }))).toContain('encounters');
    expect(await refused(horizonBody([other.clinicId], { seenWithinDays: -1 }))).toContain('seenWithinDays');
    expect(await refused(horizonBody([other.clinicId, other.clinicId]))).toContain('fromClinicIds');
    expect((await setHorizon(clinic.clinicId, horizonBody([other.clinicId]), clinic.credential)).status).withContext('a device').toBe(403);
    expect((await setHorizon(randomUUID(), horizonBody([other.clinicId]))).status).toBe(404);

    const read = await call(api().baseUrl, 'GET', `/api/clinics/${clinic.clinicId}/horizon`, { token: clinic.credential });
    expect(read.body).withContext('the default, never set').toEqual(jasmine.objectContaining({ revision: 0, fromClinicIds: [], download: null }));
  });
});
