// The invariants that join clinics and central (DESIGN.md, invariants 3 to 5), checked on the simulated central
// and the clinics' devices: after every change at central, no two held leases on one chart and epochs that only
// grow; at the end, every index stored exactly once and equal to the clinic's committed entry, every
// acknowledged write in central's copy, each copy's state equal to its clinic's at the same index, fencing that
// fenced exactly the stale writes, lease records on devices that central granted, and every lab result posted
// on every device of its clinic exactly once.
import type { ChartStateMachine } from '../../../leader-worker/src/chart/index.js';
import { isLeaseHeld } from '../../../central-api/src/leases/lease-rules.js';
import { check } from '../engine/violation.js';
import type { ClinicDaySimulation } from '../clinic-day/simulation.js';
import type { SimulatedCentral } from './central/simulated-central.js';
import type { PostedLabResult } from './simulated-lab.js';

/** After every change at central: at most one held lease per chart, epochs growing with every grant. */
export function checkLeases(central: SimulatedCentral, nowMs: number): void {
  for (const patientId of central.leases.patients()) {
    const grants = central.leases.grantsOf(patientId);
    const held = grants.filter((grant) => isLeaseHeld(grant, nowMs));
    check(held.length <= 1, 'two-leases-on-one-chart', () => `chart ${patientId} has ${held.length} unexpired leases: ${held.map((grant) => `${grant.clinicId}@${grant.epoch}`).join(', ')}`);
    for (let position = 1; position < grants.length; position++) {
      check(grants[position]!.epoch > grants[position - 1]!.epoch, 'lease-epoch-not-growing', () => `chart ${patientId}: epoch ${grants[position]!.epoch} granted after ${grants[position - 1]!.epoch}`);
    }
  }
}

/** Whether `clinicId`'s copy at central equals its devices' state: all at one applied index, one hash. */
export function clinicConverged(site: ClinicDaySimulation, central: SimulatedCentral): boolean {
  const leader = site.stableLeader();
  if (leader === null) return false;
  const status = leader.node!.status();
  const clinic = central.clinic(site.clinicId);
  if (clinic.log.acknowledgedIndex !== status.commitIndex || clinic.copy.appliedIndex !== status.commitIndex) return false;
  return site.devices.every((device) => {
    const other = device.node!.status();
    return other.appliedIndex === status.commitIndex && other.stateHash === clinic.copy.machine.stateHash() && other.pendingWrites === 0;
  });
}

export interface FinalCentralCheck {
  readonly sites: readonly ClinicDaySimulation[];
  readonly central: SimulatedCentral;
  readonly posted: readonly PostedLabResult[];
}

export function checkCentralFinalState({ sites, central, posted }: FinalCentralCheck): void {
  for (const site of sites) {
    const clinic = central.clinic(site.clinicId);
    const wrong = clinic.log.indexesNotStoredOnce();
    check(wrong.length === 0, 'stored-not-once', () => `central stored entries ${wrong.slice(0, 10).join(', ')} of ${site.clinicId} other than exactly once`);
    check(clinic.log.divergences === 0, 'central-divergence', () => `${site.clinicId} uploaded ${clinic.log.divergences} entries that differ from what central held`);
    check(clinicConverged(site, central), 'central-not-converged', () => `central's copy of ${site.clinicId} (acknowledged ${clinic.log.acknowledgedIndex}, applied ${clinic.copy.appliedIndex}, `
      + `${clinic.copy.machine.stateHash()}) is not its devices' state: ${site.devices.map((device) => `${device.id}@${device.node?.status().appliedIndex} ${device.node?.status().stateHash}`).join(', ')}`);
    checkStoredEntries(site, central);
    for (const acknowledgement of site.ledger.all()) {
      const [clientId, sequence] = splitKey(acknowledgement.key);
      check(clinic.copy.machine.hasApplied({ clientId, sequence }), 'acknowledged-not-at-central',
        () => `${site.clinicId}: write ${acknowledgement.key}, acknowledged ${acknowledgement.outcome}, is not in central's copy`);
    }
    checkFencing(site.clinicId, central);
    for (const device of site.devices) checkDeviceLeases(site.clinicId, device.id, device.chart!, central);
  }
  for (const result of posted) {
    const site = sites.find((candidate) => candidate.clinicId === result.clinicId)!;
    const charts: [string, ChartStateMachine][] = [...site.devices.map((device): [string, ChartStateMachine] => [device.id, device.chart!]),
      ['central', central.clinic(result.clinicId).copy.machine]];
    for (const [where, chart] of charts) {
      const count = labResultCount(chart, result.labOrderId, result.labResultId);
      check(count === 1, 'lab-result-not-once', () => `lab result ${result.labResultId} for ${result.clinicId} is on ${where} ${count} times, not once`);
    }
  }
}

/** Central's entries are the clinic's committed ones (where the leader still holds them: it compacts). */
function checkStoredEntries(site: ClinicDaySimulation, central: SimulatedCentral): void {
  const leader = site.stableLeader()!;
  const clinic = central.clinic(site.clinicId);
  for (let index = leader.storage.snapshot.index + 1; index <= clinic.log.acknowledgedIndex; index++) {
    const committed = leader.storage.entryAt(index);
    const stored = clinic.log.entryAt(index);
    check(committed !== undefined && stored !== undefined && committed.term === stored.term && committed.type === (stored.kind === 'membership' ? 'membership' : stored.kind),
      'stored-entry-differs', () => `central's entry ${index} of ${site.clinicId} is not the clinic's committed one`);
    if (committed.type === 'command' && stored.kind === 'command') {
      check(Buffer.from(committed.data).equals(stored.data), 'stored-entry-differs', () => `central's entry ${index} of ${site.clinicId} holds other bytes than the clinic's`);
    }
  }
}

/**
 * A write is stale iff, when central judged it, it had granted its chart to another clinic under a higher epoch
 * (an oracle over the grants, apart from the rule central applied): fenced exactly then, never otherwise.
 */
function checkFencing(clinicId: string, central: SimulatedCentral): void {
  const copy = central.clinic(clinicId).copy;
  for (const write of copy.judgedWrites) {
    const stale = central.leases.grantsOf(write.patientId)
      .some((grant) => grant.grantNumber <= write.grantsMadeBefore && grant.clinicId !== clinicId && grant.epoch > write.writtenEpoch);
    check(stale === copy.fenced.has(write.logIndex), 'stale-epoch-overwrites',
      () => `${clinicId}'s write ${write.logIndex} to ${write.patientId} under epoch ${write.writtenEpoch} is ${stale ? 'stale but was not fenced' : 'fenced but not stale'}`);
  }
}

/** Every lease a device's chart records is one central granted, to that holder, lasting no longer than central's. */
function checkDeviceLeases(clinicId: string, deviceId: string, chart: ChartStateMachine, central: SimulatedCentral): void {
  for (const patientId of central.leases.patients()) {
    const lease = chart.openChart(patientId)?.lease ?? null;
    if (lease === null) continue;
    const grant = central.leases.grantsOf(patientId).find((candidate) => candidate.epoch === lease.epoch);
    check(grant !== undefined && grant.clinicId === lease.holderClinicId, 'lease-not-granted',
      () => `${clinicId}/${deviceId} records a lease on ${patientId} for ${lease.holderClinicId} at epoch ${lease.epoch} that central never granted`);
    check(lease.expiresAt <= grant.expiresAtMs, 'lease-outlives-central',
      () => `${clinicId}/${deviceId} records the lease on ${patientId} until ${lease.expiresAt}, past central's ${grant.expiresAtMs}`);
  }
}

function labResultCount(chart: ChartStateMachine, labOrderId: string, labResultId: string): number {
  const patientId = chart.patientOf(labOrderId);
  if (patientId === null) return 0;
  const order = chart.openChart(patientId)?.labOrders.find((candidate) => candidate.labOrderId === labOrderId);
  return order?.results.filter((result) => result.labResultId === labResultId).length ?? 0;
}

function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf('#');
  return [key.slice(0, at), Number(key.slice(at + 1))];
}
