// Handlers for the patient's own record: registration, field edits, and the chart lease central grants.
import type { GrantLease, RegisterPatient, ReleaseLease, RenewLease, UpdatePatient } from './commands.js';
import { patientFields } from './commands.js';
import type { ChartStore } from './chart-store.js';
import { editField, patientField } from './field-edits.js';
import { deepFreeze } from './freeze.js';
import { applied, eventStamp, rejected, type ApplyContext, type HandlerOutcome } from './handler-context.js';
import type { LeaseRecord, PatientRecord } from './records.js';

export function registerPatient(store: ChartStore, context: ApplyContext, command: RegisterPatient): HandlerOutcome {
  if (store.isIdTaken(command.patientId)) return rejected('duplicate-id', 'command.patientId', `id ${command.patientId} is already in use`);
  const versions = Object.fromEntries(patientFields.map((field) => [field, context.stamp])) as PatientRecord['versions'];
  const patient: PatientRecord = {
    ...eventStamp(context),
    patientId: command.patientId,
    name: command.name,
    sex: command.sex,
    birth: command.birth,
    identifiers: command.identifiers,
    phone: command.phone,
    address: command.address,
    nextOfKin: command.nextOfKin,
    versions,
  };
  store.addPatient(deepFreeze(patient));
  return applied;
}

export function updatePatient(store: ChartStore, context: ApplyContext, command: UpdatePatient): HandlerOutcome {
  const entry = store.patient(command.patientId);
  if (entry === undefined) return rejected('unknown-patient', 'command.patientId', `no patient ${command.patientId}`);
  return editField(store, context, patientField(store, entry, command.field), command.value, command.baseVersion);
}

/** A grant's epoch must exceed every epoch seen for the chart: a delayed, older grant can never win. */
export function grantLease(store: ChartStore, context: ApplyContext, command: GrantLease): HandlerOutcome {
  const entry = store.patient(command.patientId);
  if (entry === undefined) return rejected('unknown-patient', 'command.patientId', `no patient ${command.patientId}`);
  if (command.epoch <= entry.leaseEpoch) {
    return rejected('stale-epoch', 'command.epoch', `lease epoch ${command.epoch} is not newer than ${entry.leaseEpoch}`);
  }
  const lease: LeaseRecord = {
    holderClinicId: command.holderClinicId,
    epoch: command.epoch,
    expiresAt: command.expiresAt,
    grantedEventId: context.eventId,
    updatedEventId: context.eventId,
    released: false,
  };
  entry.lease = deepFreeze(lease);
  entry.leaseEpoch = command.epoch;
  return applied;
}

/** A renewal extends the current lease (same epoch); it never shortens it. */
export function renewLease(store: ChartStore, context: ApplyContext, command: RenewLease): HandlerOutcome {
  const entry = store.patient(command.patientId);
  if (entry === undefined) return rejected('unknown-patient', 'command.patientId', `no patient ${command.patientId}`);
  const lease = entry.lease;
  if (lease === null || lease.released) return rejected('no-lease', 'command.patientId', 'the chart holds no lease to renew');
  if (command.epoch !== lease.epoch) return rejected('stale-epoch', 'command.epoch', `the current lease epoch is ${lease.epoch}`);
  if (command.expiresAt < lease.expiresAt) return rejected('invalid-value', 'command.expiresAt', 'a renewal cannot shorten the lease');
  entry.lease = deepFreeze({ ...lease, expiresAt: command.expiresAt, updatedEventId: context.eventId });
  return applied;
}

export function releaseLease(store: ChartStore, context: ApplyContext, command: ReleaseLease): HandlerOutcome {
  const entry = store.patient(command.patientId);
  if (entry === undefined) return rejected('unknown-patient', 'command.patientId', `no patient ${command.patientId}`);
  const lease = entry.lease;
  if (lease === null || lease.released) return rejected('no-lease', 'command.patientId', 'the chart holds no lease to release');
  if (command.epoch !== lease.epoch) return rejected('stale-epoch', 'command.epoch', `the current lease epoch is ${lease.epoch}`);
  entry.lease = deepFreeze({ ...lease, released: true, updatedEventId: context.eventId });
  return applied;
}
