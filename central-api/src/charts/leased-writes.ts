// What lease fencing needs to know of one command of a lease-policy clinic, read off the clinic's own copy:
// which patient's chart it writes to, and the epoch of the lease the copy held for this clinic just before.
import type { ChartStateMachine } from '../../../leader-worker/src/chart/chart-state-machine.js';
import { uuidPattern } from '../../../leader-worker/src/chart/field-validators.js';

/** Central's own grants, renewals and releases written into the clinic log: never fenced themselves. */
const leaseCommandTypes: ReadonlySet<string> = new Set(['grantLease', 'renewLease', 'releaseLease']);

/**
 * The patient whose chart the command writes to, when the command says so: a `patientId` field, or the patient
 * of the conflict a resolveConflict closes. Null for lease commands, for commands that name only a record
 * (moveVisit, updateAllergy, dispense, recordLabResult, cancelAppointment, markEnteredInError), and for
 * anything malformed. Those records' patients are known only inside the state machine's store, which has no
 * query for them yet.
 */
export function touchedPatient(machine: ChartStateMachine, envelope: unknown): string | null {
  const command = field(envelope, 'command');
  const type = field(command, 'type');
  if (typeof type !== 'string' || leaseCommandTypes.has(type)) return null;
  const patientId = type === 'resolveConflict' ? conflictPatient(machine, field(command, 'conflictId')) : field(command, 'patientId');
  return typeof patientId === 'string' && uuidPattern.test(patientId) ? patientId : null;
}

/**
 * The epoch a write to `patientId`'s chart is made under: that of the lease the copy holds for `clinicId`
 * (released or expired ones too: the clinic's last own grant), 0 when it holds none or only another clinic's.
 * A write made while the copy knows another clinic holds the chart is made under no lease of this clinic's.
 */
export function writtenEpoch(machine: ChartStateMachine, patientId: string, clinicId: string): number {
  const lease = machine.openChart(patientId)?.lease ?? null;
  return lease !== null && lease.holderClinicId === clinicId ? lease.epoch : 0;
}

function conflictPatient(machine: ChartStateMachine, conflictId: unknown): string | null {
  if (typeof conflictId !== 'string') return null;
  const subject = machine.conflict(conflictId)?.subject;
  return subject?.kind === 'patient' ? subject.patientId : null;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
