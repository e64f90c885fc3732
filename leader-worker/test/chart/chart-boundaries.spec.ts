// What the chart domain tells the parts around it about one command: which chart it writes to and under which
// lease epoch (lease fencing), whether it leaves the clinic (central's export), the feed's identity and its
// duplicate window (the importing leader), and the one decode of command bytes (every consumer).
import { encode } from '@msgpack/msgpack';
import {
  chartChangeEnvelope, decodeCommand, duplicateWindowSequences, encodeCommand, exportedCommandTypes, feedClientId, feedItemMayBeProposed,
  isExportedWrite, isFeedEnvelope, labResultEnvelope, leaseCommandTypes, registrationEnvelope, touchedPatient, writtenEpoch,
} from '../../src/chart/index.js';
import { ChartHarness, ids, noon, registerPatient, uuid, validCommands, type Json } from './chart-harness.js';

/** A harness whose machine holds every record validCommands() makes, except the closing entered-in-error. */
function chartWithEveryRecord(): ChartHarness {
  const harness = new ChartHarness();
  for (const command of validCommands()) if (command.type !== 'markEnteredInError' && command.type !== 'releaseLease') harness.ok(command);
  return harness;
}

describe('the chart domain at its boundaries', () => {
  describe('touchedPatient: the chart a command writes to', () => {
    it('is the patient a command names, or the patient whose chart holds the record it names', () => {
      const harness = chartWithEveryRecord();
      for (const command of validCommands()) {
        const touched = touchedPatient(harness.machine, harness.envelope(command));
        if (leaseCommandTypes.has(command.type as never)) expect(touched).withContext(String(command.type)).toBeNull();
        else expect(touched).withContext(String(command.type)).toBe(ids.patient);
      }
    });

    it('is nobody for a record the machine does not hold, a malformed id, and things that are not commands', () => {
      const harness = chartWithEveryRecord();
      expect(touchedPatient(harness.machine, harness.envelope({ type: 'dispense', prescriptionId: ids.fresh }))).toBeNull();
      expect(touchedPatient(harness.machine, harness.envelope({ type: 'addNote', patientId: 'NOT-A-UUID' }))).toBeNull();
      expect(touchedPatient(harness.machine, harness.envelope({ type: 'addNote', patientId: 42 }))).toBeNull();
      expect(touchedPatient(harness.machine, harness.envelope({ noType: true }))).toBeNull();
      for (const notACommand of [null, undefined, 7, 'text', { command: null }, { command: { type: 3 } }]) {
        expect(touchedPatient(harness.machine, notACommand)).withContext(JSON.stringify(notACommand) ?? 'undefined').toBeNull();
      }
    });
  });

  describe('writtenEpoch: the lease a write is made under', () => {
    it('is the epoch of this clinic\'s own lease on the chart, also once released, and 0 with none or another clinic\'s', () => {
      const harness = new ChartHarness('clinic-1');
      harness.ok(registerPatient());
      harness.ok(registerPatient(ids.otherPatient, { identifiers: [] }));
      expect(writtenEpoch(harness.machine, ids.patient, 'clinic-1')).toBe(0);
      harness.ok({ type: 'grantLease', patientId: ids.patient, holderClinicId: 'clinic-1', epoch: 3, expiresAt: noon + 3_600_000 });
      expect(writtenEpoch(harness.machine, ids.patient, 'clinic-1')).toBe(3);
      harness.ok({ type: 'releaseLease', patientId: ids.patient, epoch: 3 });
      expect(writtenEpoch(harness.machine, ids.patient, 'clinic-1')).toBe(3);
      harness.ok({ type: 'grantLease', patientId: ids.otherPatient, holderClinicId: 'clinic-9', epoch: 4, expiresAt: noon + 3_600_000 });
      expect(writtenEpoch(harness.machine, ids.otherPatient, 'clinic-1')).toBe(0);
      expect(writtenEpoch(harness.machine, uuid(1, 77), 'clinic-1')).toBe(0);
    });
  });

  describe('the export policy', () => {
    it('sends the clinical record to other clinics, never registrations, appointments, leases or resolutions', () => {
      const harness = new ChartHarness();
      const kept = ['registerPatient', 'bookAppointment', 'cancelAppointment', 'grantLease', 'renewLease', 'releaseLease', 'resolveConflict'];
      for (const command of validCommands()) {
        expect(isExportedWrite(harness.envelope(command))).withContext(String(command.type)).toBe(!kept.includes(String(command.type)));
      }
      expect(exportedCommandTypes.has('resolveConflict')).toBeFalse();
    });

    it('never sends on what came from central\'s feed, nor anything that is not a command envelope', () => {
      const harness = new ChartHarness();
      const fromFeed = { ...harness.envelope({ type: 'addNote', patientId: ids.patient }), clientId: feedClientId };
      expect(isFeedEnvelope(fromFeed)).toBeTrue();
      expect(isExportedWrite(fromFeed)).toBeFalse();
      for (const notAnEnvelope of [null, undefined, 'addNote', 12, { command: 'addNote' }, { command: { type: 'nonsense' } }]) {
        expect(isExportedWrite(notAnEnvelope)).withContext(JSON.stringify(notAnEnvelope) ?? 'undefined').toBeFalse();
        expect(isFeedEnvelope(notAnEnvelope)).toBeFalse();
      }
    });
  });

  describe('the feed', () => {
    it('lets an importing leader run at most the duplicate window ahead of its oldest undecided item', () => {
      expect(feedItemMayBeProposed(1, 1)).toBeTrue();
      expect(feedItemMayBeProposed(duplicateWindowSequences, 1)).toBeTrue();
      expect(feedItemMayBeProposed(duplicateWindowSequences + 1, 1)).toBeFalse();
      expect(feedItemMayBeProposed(500 + duplicateWindowSequences - 1, 500)).toBeTrue();
      expect(feedItemMayBeProposed(500 + duplicateWindowSequences, 500)).toBeFalse();
    });

    it('builds lab results and registrations under the feed\'s identity, valid by the clinics\' own validator', () => {
      const lab = labResultEnvelope({ labResultId: ids.labResult, labOrderId: ids.labOrder, result: { kind: 'text', text: 'negative' }, laboratory: 'Regional lab' })(9, noon);
      expect(lab).toEqual({ ok: true, value: jasmine.objectContaining({ clientId: feedClientId, sequence: 9, recordedAt: noon }) });
      const registered = registrationEnvelope({ ...(registerPatient() as Json), registeredBy: 'Records office' } as never)(10, noon);
      expect(registered.ok).toBeTrue();
      const refused = labResultEnvelope({ labResultId: 'nope', labOrderId: ids.labOrder, result: { kind: 'text', text: 'x' }, laboratory: 'Lab' })(11, noon);
      expect(refused.ok).toBeFalse();
    });

    it('marks an imported visit as the writing clinic\'s, so it stays out of this clinic\'s queues', () => {
      const written = { recordedAt: noon, author: { deviceId: 'tablet-1', userName: 'Nurse', role: 'nurse' }, command: validCommands()[2]! };
      const imported = chartChangeEnvelope(written, 'clinic-7')(3, noon);
      expect(imported).toEqual({ ok: true, value: jasmine.objectContaining({ clientId: feedClientId, command: jasmine.objectContaining({ type: 'openVisit', clinicId: 'clinic-7' }) }) });
    });
  });

  describe('command bytes', () => {
    it('decode back to what was encoded, and bytes that are not MessagePack decode to undefined', () => {
      const envelope = new ChartHarness().envelope(registerPatient());
      expect(decodeCommand(encodeCommand(envelope))).toEqual(envelope);
      expect(encodeCommand(envelope)).toEqual(encode(envelope));
      expect(decodeCommand(new Uint8Array([0xc1]))).toBeUndefined();
      expect(decodeCommand(new Uint8Array([0x92, 0x01]))).toBeUndefined();
    });
  });
});
