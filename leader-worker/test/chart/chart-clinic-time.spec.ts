// The clinic's time (the leader's clock on each entry) in the chart: today's queue files a visit by it, so a tablet
// with a wrong date cannot hide a patient from the day's queue; the clinical time the tablet wrote is kept; the
// time is part of the state hash, and entries without one behave (and hash) as before.
import { ChartHarness, ids, noon, registerPatient, restoreOrFail, today } from './chart-harness.js';

const dayMs = 86_400_000;
const openVisit = { type: 'openVisit', visitId: ids.visit, patientId: ids.patient, reason: 'fever' };

function clinicWith(leaderTimeMs: number | undefined, tabletClockMs: number): ChartHarness {
  const harness = new ChartHarness();
  harness.ok(registerPatient());
  harness.logIndex++;
  const opened = harness.machine.apply(harness.logIndex, harness.envelope(openVisit, { recordedAt: tabletClockMs }), leaderTimeMs);
  expect(opened.type).toBe('applied');
  return harness;
}

describe('the clinic\'s time in the chart', () => {
  it('puts a visit opened on a tablet a year behind in today\'s queue, by the leader\'s time', () => {
    const harness = clinicWith(noon, noon - 365 * dayMs);
    expect(harness.machine.stationQueue('registration', today).map((entry) => entry.visitId)).toEqual([ids.visit]);
    const lastYear = { startMs: today.startMs - 365 * dayMs, endMs: today.endMs - 365 * dayMs };
    expect(harness.machine.stationQueue('registration', lastYear)).toEqual([]);
    const visit = harness.machine.openChart(ids.patient)!.visits[0]!;
    expect(visit.recordedAt).withContext('the clinical time as the tablet wrote it').toBe(noon - 365 * dayMs);
    expect(visit.openedAtClinicTime).toBe(noon);
  });

  it('files by the tablet\'s clock when the entry has no leader time (written before leader times)', () => {
    const harness = clinicWith(undefined, noon - 365 * dayMs);
    expect(harness.machine.stationQueue('registration', today)).toEqual([]);
    expect(harness.machine.openChart(ids.patient)!.visits[0]!.openedAtClinicTime).toBeUndefined();
  });

  it('hashes the leader time, keeps it through a snapshot, and leaves entries without one hashing as before', () => {
    const stamped = clinicWith(noon, noon);
    const later = clinicWith(noon + 1, noon);
    const unstamped = clinicWith(undefined, noon);
    const plain = new ChartHarness();
    plain.ok(registerPatient());
    plain.ok(openVisit, { recordedAt: noon });
    expect(stamped.machine.stateHash()).not.toBe(later.machine.stateHash());
    expect(unstamped.machine.stateHash()).toBe(plain.machine.stateHash());
    const restored = restoreOrFail(stamped.machine.snapshot());
    expect(restored.stateHash()).toBe(stamped.machine.stateHash());
    expect(restored.stationQueue('registration', today).map((entry) => entry.visitId)).toEqual([ids.visit]);
  });
});
