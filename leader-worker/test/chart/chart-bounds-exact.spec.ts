// Each bound a clinician meets at the edge: the last accepted value is accepted and the first one past it is
// refused (a wrong comparison would turn away a real patient or let in a typing mistake), and queries include
// exactly the day they are asked for.
import { birthYearMin, calendarYearMax, calendarYearMin, phoneDigitsMax, phoneDigitsMin } from '../../src/chart/limits.js';
import { ChartHarness, ids, noon, registerPatient, today, uuid, type Json } from './chart-harness.js';

const dayMs = 86_400_000;

function outcome(command: Json, recordedAt = noon): string {
  const result = new ChartHarness().propose(command, { recordedAt });
  return result.type === 'rejected' ? `${result.error.code} ${result.error.field ?? ''}` : result.type;
}

describe('chart bounds at their edges', () => {
  // A date of birth may be older than the calendar years of appointments: from birthYearMin, like an estimated year.
  it('accepts a birth date from the minimum birth year up to the day after it is recorded (time zones), not two days', () => {
    expect(outcome(registerPatient(ids.patient, { birth: { estimated: false, dateOfBirth: '2025-06-16' } }))).toBe('applied');
    expect(outcome(registerPatient(ids.patient, { birth: { estimated: false, dateOfBirth: '2025-06-17' } }))).toBe('invalid-value command.birth.dateOfBirth');
    expect(outcome(registerPatient(ids.patient, { birth: { estimated: false, dateOfBirth: `${birthYearMin}-01-01` } }))).toBe('applied');
    expect(outcome(registerPatient(ids.patient, { birth: { estimated: false, dateOfBirth: `${birthYearMin - 1}-12-31` } }))).toBe('invalid-value command.birth.dateOfBirth');
  });

  it('accepts an estimated birth year from the minimum to the year after it is recorded', () => {
    expect(outcome(registerPatient(ids.patient, { birth: { estimated: true, birthYear: 2026 } }))).toBe('applied');
    expect(outcome(registerPatient(ids.patient, { birth: { estimated: true, birthYear: 2027 } }))).toBe('invalid-value command.birth.birthYear');
    expect(outcome(registerPatient(ids.patient, { birth: { estimated: true, birthYear: birthYearMin } }))).toBe('applied');
    expect(outcome(registerPatient(ids.patient, { birth: { estimated: true, birthYear: birthYearMin - 1 } }))).toBe('invalid-value command.birth.birthYear');
  });

  it('accepts phone numbers of the minimum and maximum digit counts, not one fewer or more', () => {
    const digits = (count: number): string => '7'.repeat(count);
    expect(outcome(registerPatient(ids.patient, { phone: digits(phoneDigitsMin) }))).toBe('applied');
    expect(outcome(registerPatient(ids.patient, { phone: digits(phoneDigitsMin - 1) }))).toBe('invalid-value command.phone');
    expect(outcome(registerPatient(ids.patient, { phone: `+${digits(phoneDigitsMax)}` }))).toBe('applied');
    expect(outcome(registerPatient(ids.patient, { phone: digits(phoneDigitsMax + 1) }))).toBe('invalid-value command.phone');
    expect(outcome(registerPatient(ids.patient, { phone: '  ' }))).toBe('applied');
  });

  it('books appointments within the calendar years, not outside', () => {
    const book = (date: string): string => {
      const harness = new ChartHarness();
      harness.ok(registerPatient());
      const result = harness.propose({ type: 'bookAppointment', appointmentId: ids.appointment, patientId: ids.patient, date });
      return result.type === 'rejected' ? `${result.error.code} ${result.error.field ?? ''}` : result.type;
    };
    expect(book(`${calendarYearMin}-01-01`)).toBe('applied');
    expect(book(`${calendarYearMax}-12-31`)).toBe('applied');
    expect(book(`${calendarYearMin - 1}-12-31`)).toBe('invalid-value command.date');
    expect(book(`${calendarYearMax + 1}-01-01`)).toBe('invalid-value command.date');
  });

  it('lets a renewal keep the same expiry (it only may not shorten the lease)', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient());
    harness.ok({ type: 'grantLease', patientId: ids.patient, holderClinicId: 'clinic-1', epoch: 1, expiresAt: noon + 1000 });
    expect(harness.propose({ type: 'renewLease', patientId: ids.patient, epoch: 1, expiresAt: noon + 1000 }).type).toBe('applied');
    expect(harness.propose({ type: 'renewLease', patientId: ids.patient, epoch: 1, expiresAt: noon + 999 }).type).toBe('rejected');
  });

  it('queues exactly the visits opened from the first to the last millisecond of the day asked for', () => {
    const harness = new ChartHarness();
    const openedAt = [today.startMs - 1, today.startMs, today.endMs - 1, today.endMs];
    openedAt.forEach((recordedAt, index) => {
      harness.ok(registerPatient(uuid(1, index + 1), { identifiers: [] }), { recordedAt });
      harness.ok({ type: 'openVisit', visitId: uuid(2, index + 1), patientId: uuid(1, index + 1) }, { recordedAt });
    });
    expect(harness.machine.stationQueue('registration', today).map((entry) => entry.openedAt)).toEqual([today.startMs, today.endMs - 1]);
    const nextDay = { startMs: today.endMs, endMs: today.endMs + dayMs };
    expect(harness.machine.stationQueue('registration', nextDay).map((entry) => entry.openedAt)).toEqual([today.endMs]);
  });

  it('rounds a fractional result limit down', () => {
    const harness = new ChartHarness();
    for (let index = 1; index <= 4; index++) harness.ok(registerPatient(uuid(1, index), { identifiers: [] }));
    expect(harness.machine.searchPatients('amina', 2.9).length).toBe(2);
  });
});
