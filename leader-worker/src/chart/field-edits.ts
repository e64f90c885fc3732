// Edits of versioned fields (a patient's name, birth, phone, ...; an allergy's fields) and the conflicts a
// stale one opens. An edit names the version it was based on: if that is still the field's version the edit
// applies; if not, someone changed the field meanwhile and the edit becomes an open conflict, with both values,
// for a person to resolve. The field is never overwritten silently.
import { assert } from '../invariants/assert.js';
import type { AllergyField, FieldValue, FieldVersion, PatientField } from './commands.js';
import { canonicallyEqual } from './canonical-json.js';
import type { ChartStore, PatientEntry } from './chart-store.js';
import { deepFreeze } from './freeze.js';
import { applied, eventStamp, rejected, type ApplyContext, type HandlerOutcome } from './handler-context.js';
import type { AllergyRecord, ConflictRecord, ConflictSubject, PatientRecord } from './records.js';

interface FieldState {
  readonly value: FieldValue;
  readonly version: FieldVersion;
}

/** A versioned field of one record, read and written through the store. */
interface EditableField {
  readonly entry: PatientEntry;
  readonly subject: ConflictSubject;
  read(): FieldState;
  write(value: FieldValue, version: FieldVersion): void;
}

export function patientField(store: ChartStore, entry: PatientEntry, field: PatientField): EditableField {
  return {
    entry,
    subject: { kind: 'patient', patientId: entry.patient.patientId, field },
    read: () => ({ value: entry.patient[field], version: entry.patient.versions[field] }),
    write: (value, version) => {
      const patient: PatientRecord = { ...entry.patient, [field]: value, versions: { ...entry.patient.versions, [field]: version } };
      store.replacePatient(entry, deepFreeze(patient));
    },
  };
}

export function allergyField(store: ChartStore, entry: PatientEntry, allergyId: string, field: AllergyField): EditableField {
  const current = (): AllergyRecord => {
    const allergy = store.listed(entry, 'allergy', allergyId);
    assert(allergy !== undefined, 'an edited allergy exists');
    return allergy;
  };
  return {
    entry,
    subject: { kind: 'allergy', allergyId, field },
    read: () => ({ value: current()[field], version: current().versions[field] }),
    write: (value, version) => {
      const allergy = current();
      const next: AllergyRecord = { ...allergy, [field]: value, versions: { ...allergy.versions, [field]: version } };
      store.replaceListed(entry, 'allergy', allergyId, deepFreeze(next));
    },
  };
}

/**
 * Applies an edit based on `baseVersion`, or opens a conflict if the field has moved on. A stale edit that
 * proposes the value the field already holds has nothing to decide and applies as a no-op (the field keeps
 * its version).
 */
export function editField(store: ChartStore, context: ApplyContext, target: EditableField, value: FieldValue, baseVersion: FieldVersion): HandlerOutcome {
  const current = target.read();
  if (current.version === baseVersion) {
    target.write(value, context.stamp);
    return applied;
  }
  if (canonicallyEqual(current.value, value)) return applied;
  return openConflict(store, context, target, current, value, baseVersion);
}

function openConflict(
  store: ChartStore, context: ApplyContext, target: EditableField, current: FieldState, proposedValue: FieldValue, baseVersion: FieldVersion,
): HandlerOutcome {
  const conflict: ConflictRecord = {
    conflictId: context.eventId,
    patientId: target.entry.patient.patientId,
    subject: target.subject,
    currentValue: current.value,
    currentVersion: current.version,
    proposedValue,
    baseVersion,
    proposer: { clientId: context.clientId, sequence: context.sequence, author: context.author, recordedAt: context.recordedAt },
    status: 'open',
    resolution: null,
  };
  store.addConflict(target.entry, deepFreeze(conflict));
  return { type: 'conflict', conflictId: conflict.conflictId };
}

/**
 * Closes an open conflict with the resolver's value. The resolver also saw a version of the field: if the field
 * changed again since, the resolution is itself stale; it closes this conflict as superseded and opens a new one
 * (the newer value against the resolver's), so nothing is decided on an outdated view.
 */
export function resolveConflict(store: ChartStore, context: ApplyContext, conflictId: string, value: FieldValue, baseVersion: FieldVersion): HandlerOutcome {
  const conflict = store.conflicts.get(conflictId);
  if (conflict === undefined) return rejected('unknown-conflict', 'command.conflictId', `no conflict ${conflictId}`);
  if (conflict.status !== 'open') return rejected('conflict-not-open', 'command.conflictId', `conflict ${conflictId} is already ${conflict.status}`);
  const entry = store.patient(conflict.patientId);
  assert(entry !== undefined, "a conflict's patient exists");
  const subject = conflict.subject;
  const target = subject.kind === 'patient' ? patientField(store, entry, subject.field) : allergyField(store, entry, subject.allergyId, subject.field);
  const outcome = editField(store, context, target, value, baseVersion);
  const supersededBy = outcome.type === 'conflict' ? outcome.conflictId : null;
  const closed: ConflictRecord = {
    ...conflict,
    status: supersededBy === null ? 'resolved' : 'superseded',
    resolution: { ...eventStamp(context), value, supersededBy },
  };
  store.replaceConflict(deepFreeze(closed));
  return outcome;
}
