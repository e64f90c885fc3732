// The uplink bench's pre-cache figure (issue 9 §8): a source clinic at central with `patients` patients and a
// year of history each; a new device's clinic gets them through its sync horizon over an emulated 1 Mbit/s
// link. Timed from the admin's PUT of the horizon to the device's feed import counting every patient received
// (each patient's last item decided in the clinic log), with the bytes the link carried down.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { encode } from '@msgpack/msgpack';
import { centralIngestLimits, type UploadedEntry } from '../../leader-worker/src/uplink/central-protocol.js';
import { BenchDevice, send, until, type Central } from './bench-device.js';
import { CellularLink, type LinkShape } from './cellular-link.js';

/** 1 Mbit/s each way with 3G's round trip: the issue's pre-cache link. */
export const emulated1Mbit: LinkShape = { roundTripMs: 300, upBytesPerSecond: 125_000, downBytesPerSecond: 125_000 };

const dayMs = 86_400_000;
/** How often a long download says where it stands: a stall shows where it is. */
const progressEveryMs = 5_000;

export interface PrecacheFigures {
  readonly seconds: number;
  readonly patients: number;
  readonly feedItems: number;
  readonly bytesDown: number;
  readonly bytesPerPatient: number;
  readonly itemsPerSecond: number;
}

/** A year of one patient's history as a source clinic wrote it: two visits, a prescription dispensed, a lab result. */
function yearOfHistory(number: number, nowMs: number): { recordedAtMs: number; command: Record<string, unknown> }[] {
  const patientId = randomUUID();
  const [firstVisit, secondVisit, prescriptionId, labOrderId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const registeredMs = nowMs - 360 * dayMs + (number % 100) * dayMs;
  const laterMs = registeredMs + 180 * dayMs;
  const at = (recordedAtMs: number, command: Record<string, unknown>) => ({ recordedAtMs, command });
  return [
    at(registeredMs, {
      type: 'registerPatient', patientId, name: { given: 'Grace', family: `Nabirye ${number}` }, sex: 'female', birth: { estimated: false, dateOfBirth: '1984-07-19' },
      identifiers: [{ system: 'national-id', value: `CF${String(80_000_000 + number)}` }], phone: '+256 701 555123', address: { village: 'Rubuguri', details: null }, nextOfKin: null,
    }),
    at(registeredMs, { type: 'recordAllergy', allergyId: randomUUID(), patientId, substance: 'Penicillin', reaction: 'hives', severity: 'moderate' }),
    at(registeredMs, { type: 'openVisit', visitId: firstVisit, patientId, reason: 'fever and headache' }),
    at(registeredMs, { type: 'recordVitals', vitalsId: randomUUID(), patientId, visitId: firstVisit, measurements: { systolicMmHg: 118, diastolicMmHg: 76, pulseBpm: 88, temperatureCelsius: 38.4 } }),
    at(registeredMs, { type: 'orderLab', labOrderId, patientId, visitId: firstVisit, test: 'Malaria RDT', specimen: 'blood' }),
    at(registeredMs, { type: 'recordLabResult', labResultId: randomUUID(), labOrderId, result: { kind: 'text', text: 'positive (P. falciparum)' }, interpretation: 'abnormal' }),
    at(registeredMs, { type: 'addDiagnosis', diagnosisId: randomUUID(), patientId, visitId: firstVisit, code: 'B50.9', text: 'Plasmodium falciparum malaria', certainty: 'confirmed' }),
    at(registeredMs, {
      type: 'prescribe', prescriptionId, patientId, visitId: firstVisit, drug: 'Artemether-lumefantrine 20/120 mg', dose: { amount: 4, unit: 'tablet' }, route: 'oral',
      frequency: 'twice-daily', durationDays: 3, instructions: 'with food or milk',
    }),
    at(registeredMs, { type: 'dispense', dispenseId: randomUUID(), prescriptionId, quantity: { amount: 24, unit: 'tablets' } }),
    at(laterMs, { type: 'openVisit', visitId: secondVisit, patientId, reason: 'review' }),
    at(laterMs, { type: 'recordVitals', vitalsId: randomUUID(), patientId, visitId: secondVisit, measurements: { systolicMmHg: 121, diastolicMmHg: 79, pulseBpm: 74, temperatureCelsius: 36.8 } }),
    at(laterMs, { type: 'addNote', noteId: randomUUID(), patientId, visitId: secondVisit, kind: 'clinical', text: 'Well since treatment. No fever.' }),
  ];
}

/** The source clinic's log uploaded to central as its leader would (straight, not through the link: it is not what is measured). */
async function buildSourceClinic(central: Central, patients: number, log: (line: string) => void): Promise<{ clinicId: string; entries: number }> {
  const clinic = await send(central.baseUrl, 'POST', '/api/clinics', central.adminToken, { name: 'Pre-cache source', chartPolicy: 'lease' });
  const clinicId = (clinic.body as { id: string }).id;
  const enrolled = await send(central.baseUrl, 'POST', `/api/clinics/${clinicId}/devices`, central.adminToken, { name: 'Source tablet' });
  const { credential } = enrolled.body as { credential: string };
  const nowMs = Date.now();
  const startedMs = performance.now();
  let index = 0;
  let batch: UploadedEntry[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const answer = await send(central.baseUrl, 'POST', `/api/clinics/${clinicId}/log`, credential, { fromIndex: batch[0]!.index, entries: batch });
    if (answer.status !== 200) throw new Error(`central refused the source clinic's upload: ${answer.status} ${JSON.stringify(answer.body)}`);
    batch = [];
    batchBytes = 0;
  };
  for (let number = 1; number <= patients; number++) {
    for (const { recordedAtMs, command } of yearOfHistory(number, nowMs)) {
      index++;
      const envelope = { clientId: 'source-desk', sequence: index, recordedAt: recordedAtMs, author: { deviceId: 'source-tablet', userName: 'Nurse Akello', role: 'nurse' }, command };
      const bytes = encode(envelope);
      if (batch.length === centralIngestLimits.entriesPerBatchMax || batchBytes + bytes.length > centralIngestLimits.batchDataBytesMax) await flush();
      batch.push({ index, term: 1, kind: 'command', leaderTimeMs: recordedAtMs, data: Buffer.from(bytes).toString('base64') });
      batchBytes += bytes.length;
    }
  }
  await flush();
  // Reading the source's charts brings central's copy of it up to date: the horizon is found in that copy.
  const read = await send(central.baseUrl, 'GET', `/api/clinics/${clinicId}/patients?query=grace`, central.adminToken);
  if (read.status !== 200) throw new Error(`reading the source clinic's charts answered ${read.status}`);
  log(`  pre-cache source: ${patients} patients, ${index} entries, at central and in its copy after ${((performance.now() - startedMs) / 1000).toFixed(1)} s`);
  return { clinicId, entries: index };
}

/** A fresh device's clinic takes every patient of `sourceClinicId` through its horizon; the time until all are decided. */
async function measureOnePrecache(
  central: Central, centralPort: number, sourceClinicId: string, patients: number, round: number, log: (line: string) => void,
): Promise<PrecacheFigures> {
  const link = await CellularLink.open(centralPort, emulated1Mbit);
  const { device, clinicId } = await BenchDevice.start(central, link, round, `Pre-cache bench ${round}`);
  try {
    const bytesBefore = link.bytesDown;
    const startedMs = performance.now();
    const set = await send(central.baseUrl, 'PUT', `/api/clinics/${clinicId}/horizon`, central.adminToken, {
      fromClinicIds: [sourceClinicId], registeredThere: true, seenWithinDays: 0, appointmentsWithinDays: 0, years: { encounters: 1, labs: 1, prescriptions: 1 },
    });
    if (set.status !== 200) throw new Error(`central refused the horizon: ${set.status} ${JSON.stringify(set.body)}`);
    const horizon = () => device.service.centralLinkStatus()?.feed.horizon ?? null;
    let reportedMs = startedMs;
    await until(`the ${patients}-patient horizon on the device`, () => {
      const progress = horizon();
      if (performance.now() - reportedMs > progressEveryMs) {
        reportedMs = performance.now();
        const link = device.service.centralLinkStatus();
        log(`    ${progress?.patientsReceived ?? 0} of ${progress?.patientsTotal ?? '?'} patients on the device after ${((reportedMs - startedMs) / 1000).toFixed(0)} s `
          + `(feed items decided ${link?.feed.decidedThrough ?? 0}, read and waiting ${link?.feed.waiting ?? '-'}; entries not yet uploaded ${link?.upload.notUploaded ?? '-'}`
          + `${progress?.queueing === true ? '; central still queueing' : ''}${link?.feed.refusal ? `; feed refused ${link.feed.refusal.status} ${link.feed.refusal.message}` : ''}`
          + `${link?.feed.stuck ? `; feed stuck: ${link.feed.stuck}` : ''})`);
      }
      return progress !== null && !progress.queueing && progress.patientsTotal === patients && progress.patientsReceived === patients;
    });
    const seconds = (performance.now() - startedMs) / 1000;
    const feedItems = device.service.centralLinkStatus()?.feed.decidedThrough ?? 0;
    // Every command of every patient's year, none refused at the source, none cut by the depth.
    const expectedItems = patients * yearOfHistory(0, Date.now()).length;
    if (feedItems !== expectedItems) throw new Error(`the horizon brought ${feedItems} feed items; ${patients} patients with a year of history each are ${expectedItems}`);
    const bytesDown = link.bytesDown - bytesBefore;
    const figures: PrecacheFigures = {
      seconds: Math.round(seconds * 10) / 10, patients, feedItems, bytesDown, bytesPerPatient: Math.round(bytesDown / patients), itemsPerSecond: Math.round(feedItems / seconds),
    };
    log(`  pre-cache ${round}: ${patients} patients (${feedItems} feed items) on the device in ${figures.seconds} s over 1 Mbit/s; `
      + `${(bytesDown / 1e6).toFixed(1)} MB down (${figures.bytesPerPatient} bytes a patient), ${figures.itemsPerSecond} items/s`);
    return figures;
  } finally {
    await device.service.stop();
    await link.close();
  }
}

/** One source clinic, then `rounds` fresh devices each taking all of it. */
export async function measurePrecache(central: Central, centralPort: number, patients: number, rounds: number, log: (line: string) => void): Promise<PrecacheFigures[]> {
  const source = await buildSourceClinic(central, patients, log);
  const figures: PrecacheFigures[] = [];
  for (let round = 1; round <= rounds; round++) figures.push(await measureOnePrecache(central, centralPort, source.clinicId, patients, round, log));
  return figures;
}
