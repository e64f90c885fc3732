// Validation of a log entry's envelope and command, decoded off the wire as `unknown`. Every field is
// checked (type, format, bounds, plausibility) and copied into a fresh, normalized value; anything else —
// an unknown field, an unknown command — is rejected. What passes is the command the state machine applies
// and hashes, so two devices never disagree on what an entry meant.
import type {
  Author, ChartCommand, ChartCommandType, CommandEnvelope, LabResultValue, PatientField, AllergyField,
} from './commands.js';
import {
  allergyFields, allergySeverities, diagnosisCertainties, doseUnits, frequencies, labInterpretations, noteKinds,
  patientFields, routes, stations,
} from './commands.js';
import { Checker, peek, type FieldReader } from './checker.js';
import {
  allergyFieldReaders, clockTimePattern, icd10Pattern, identityPattern, patientFieldReaders, readIsoDate,
  readOptionalUuid, readUuid, readVersion,
} from './field-validators.js';
import {
  clientIdLengthMax, labNumericValueMax, labelLengthMax, noteTextLengthMax, prescriptionDurationDaysMax,
  quantityAmountMax, shortTextLengthMax,
} from './limits.js';
import type { ConflictSubject } from './records.js';
import type { ChartError } from './results.js';
import { vitalSignKeys, vitalSigns, type VitalSignMeasurements } from './vital-signs.js';

/** Who proposed an entry: enough to detect a retry before validating the rest. */
export interface ProposalIdentity {
  readonly clientId: string;
  readonly sequence: number;
}

export type Validated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ChartError };

const envelopeKeys = ['clientId', 'sequence', 'recordedAt', 'author', 'command'] as const;
const clientIdDescription = 'letters, digits, and . _ ~ -';

/** Just the proposal's name, read before anything else so a retry is recognised whatever it holds. */
export function validateIdentity(entry: unknown): Validated<ProposalIdentity> {
  const checker = new Checker();
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) checker.fail('malformed', '', 'an entry must be an object');
  const clientId = checker.pattern(peek(entry, 'clientId'), 'clientId', identityPattern, clientIdLengthMax, clientIdDescription);
  const sequence = checker.integer(peek(entry, 'sequence'), 'sequence', 1, Number.MAX_SAFE_INTEGER);
  return checker.error === null ? { ok: true, value: { clientId, sequence } } : { ok: false, error: checker.error };
}

/** What validation needs to know about the state: a resolution's value is checked against its field. */
export interface ValidationLookups {
  conflictSubject(conflictId: string): ConflictSubject | null;
}

export function validateEnvelope(entry: unknown, lookups: ValidationLookups): Validated<CommandEnvelope> {
  const checker = new Checker();
  const reader = checker.object(entry, '', envelopeKeys);
  const { clientId, sequence } = readIdentity(reader);
  const recordedAt = reader.integer('recordedAt', 0, Number.MAX_SAFE_INTEGER);
  const author = readAuthor(reader.object('author', ['deviceId', 'userName', 'role']));
  const command = readCommand(reader, { recordedAt, lookups });
  if (checker.error !== null) return { ok: false, error: checker.error };
  return { ok: true, value: { clientId, sequence, recordedAt, author, command } };
}

function readIdentity(reader: FieldReader): ProposalIdentity {
  return {
    clientId: reader.pattern('clientId', identityPattern, clientIdLengthMax, clientIdDescription),
    sequence: reader.integer('sequence', 1, Number.MAX_SAFE_INTEGER),
  };
}

function readAuthor(reader: FieldReader): Author {
  return {
    deviceId: reader.text('deviceId', { lengthMax: labelLengthMax }),
    userName: reader.text('userName', { lengthMax: labelLengthMax }),
    role: reader.optionalText('role', { lengthMax: labelLengthMax }),
  };
}

interface ReadContext {
  /** The envelope's recordedAt: the proposer's "today" for dates that cannot be in the future. */
  readonly recordedAt: number;
  readonly lookups: ValidationLookups;
}

interface CommandSpec {
  readonly keys: readonly string[];
  readonly read: (command: FieldReader, context: ReadContext) => ChartCommand;
}

const short = { lengthMax: shortTextLengthMax } as const;
/** Conflict ids are event ids: `${clinicId}/${logIndex}`. */
const conflictIdLengthMax = clientIdLengthMax + 17;

const commandSpecs: { readonly [T in ChartCommandType]: CommandSpec } = {
  registerPatient: {
    keys: ['type', 'patientId', ...patientFields],
    read: (c, { recordedAt }) => ({
      type: 'registerPatient',
      patientId: uuid(c, 'patientId'),
      name: patientFieldReaders.name(c.checker, c.raw('name'), c.at('name'), recordedAt),
      sex: patientFieldReaders.sex(c.checker, c.raw('sex'), c.at('sex'), recordedAt),
      birth: patientFieldReaders.birth(c.checker, c.raw('birth'), c.at('birth'), recordedAt),
      identifiers: patientFieldReaders.identifiers(c.checker, c.raw('identifiers'), c.at('identifiers'), recordedAt),
      phone: patientFieldReaders.phone(c.checker, c.raw('phone'), c.at('phone'), recordedAt),
      address: patientFieldReaders.address(c.checker, c.raw('address'), c.at('address'), recordedAt),
      nextOfKin: patientFieldReaders.nextOfKin(c.checker, c.raw('nextOfKin'), c.at('nextOfKin'), recordedAt),
    }),
  },
  updatePatient: {
    keys: ['type', 'patientId', 'field', 'value', 'baseVersion'],
    read: (c, { recordedAt }) => {
      const patientId = uuid(c, 'patientId');
      const baseVersion = readVersion(c.checker, c.raw('baseVersion'), c.at('baseVersion'));
      const field: PatientField = c.oneOf('field', patientFields);
      const value = patientFieldReaders[field](c.checker, c.raw('value'), c.at('value'), recordedAt);
      return { type: 'updatePatient', patientId, baseVersion, field, value } as ChartCommand; // field and value read together
    },
  },
  openVisit: {
    keys: ['type', 'visitId', 'patientId', 'reason', 'station', 'clinicId'],
    read: (c) => {
      const visitId = uuid(c, 'visitId');
      const patientId = uuid(c, 'patientId');
      const reason = c.optionalText('reason', short);
      const station = c.optionalOneOf('station', stations) ?? 'registration';
      if (station === 'done') c.checker.fail('invalid-value', c.at('station'), "a visit cannot open at 'done'");
      const clinicId = c.raw('clinicId') === undefined ? null : c.pattern('clinicId', identityPattern, clientIdLengthMax, 'a clinic id');
      return { type: 'openVisit', visitId, patientId, reason, station, ...(clinicId === null ? {} : { clinicId }) };
    },
  },
  moveVisit: {
    keys: ['type', 'visitId', 'fromStation', 'toStation'],
    read: (c) => {
      const visitId = uuid(c, 'visitId');
      const fromStation = c.oneOf('fromStation', stations);
      const toStation = c.oneOf('toStation', stations);
      if (fromStation === toStation) c.checker.fail('invalid-value', c.at('toStation'), 'a move must go to another station');
      return { type: 'moveVisit', visitId, fromStation, toStation };
    },
  },
  recordVitals: {
    keys: ['type', 'vitalsId', 'patientId', 'visitId', 'measurements'],
    read: (c) => ({
      type: 'recordVitals',
      vitalsId: uuid(c, 'vitalsId'),
      patientId: uuid(c, 'patientId'),
      visitId: optionalUuid(c, 'visitId'),
      measurements: readMeasurements(c.object('measurements', vitalSignKeys)),
    }),
  },
  addNote: {
    keys: ['type', 'noteId', 'patientId', 'visitId', 'kind', 'text'],
    read: (c) => ({
      type: 'addNote',
      noteId: uuid(c, 'noteId'),
      patientId: uuid(c, 'patientId'),
      visitId: optionalUuid(c, 'visitId'),
      kind: c.oneOf('kind', noteKinds),
      text: c.text('text', { lengthMax: noteTextLengthMax, multiline: true }),
    }),
  },
  addDiagnosis: {
    keys: ['type', 'diagnosisId', 'patientId', 'visitId', 'code', 'text', 'certainty'],
    read: (c) => ({
      type: 'addDiagnosis',
      diagnosisId: uuid(c, 'diagnosisId'),
      patientId: uuid(c, 'patientId'),
      visitId: optionalUuid(c, 'visitId'),
      code: c.pattern('code', icd10Pattern, 8, "an ICD-10 code like 'B54' or 'E11.9'"),
      text: c.text('text', short),
      certainty: c.oneOf('certainty', diagnosisCertainties),
    }),
  },
  recordAllergy: {
    keys: ['type', 'allergyId', 'patientId', 'substance', 'reaction', 'severity'],
    read: (c) => ({
      type: 'recordAllergy',
      allergyId: uuid(c, 'allergyId'),
      patientId: uuid(c, 'patientId'),
      substance: c.text('substance', short),
      reaction: c.optionalText('reaction', short),
      severity: c.oneOf('severity', allergySeverities),
    }),
  },
  updateAllergy: {
    keys: ['type', 'allergyId', 'field', 'value', 'baseVersion'],
    read: (c, { recordedAt }) => {
      const allergyId = uuid(c, 'allergyId');
      const baseVersion = readVersion(c.checker, c.raw('baseVersion'), c.at('baseVersion'));
      const field: AllergyField = c.oneOf('field', allergyFields);
      const value = allergyFieldReaders[field](c.checker, c.raw('value'), c.at('value'), recordedAt);
      return { type: 'updateAllergy', allergyId, baseVersion, field, value } as ChartCommand; // field and value read together
    },
  },
  prescribe: {
    keys: ['type', 'prescriptionId', 'patientId', 'visitId', 'drug', 'dose', 'route', 'frequency', 'durationDays', 'instructions'],
    read: (c) => {
      const prescriptionId = uuid(c, 'prescriptionId');
      const patientId = uuid(c, 'patientId');
      const visitId = optionalUuid(c, 'visitId');
      const drug = c.text('drug', short);
      const dose = c.object('dose', ['amount', 'unit']);
      return {
        type: 'prescribe', prescriptionId, patientId, visitId, drug,
        dose: { amount: dose.positive('amount', quantityAmountMax), unit: dose.oneOf('unit', doseUnits) },
        route: c.oneOf('route', routes),
        frequency: c.oneOf('frequency', frequencies),
        durationDays: c.integer('durationDays', 1, prescriptionDurationDaysMax),
        instructions: c.optionalText('instructions', short),
      };
    },
  },
  dispense: {
    keys: ['type', 'dispenseId', 'prescriptionId', 'quantity', 'note'],
    read: (c) => {
      const dispenseId = uuid(c, 'dispenseId');
      const prescriptionId = uuid(c, 'prescriptionId');
      const quantity = c.object('quantity', ['amount', 'unit']);
      return {
        type: 'dispense', dispenseId, prescriptionId,
        quantity: { amount: quantity.positive('amount', quantityAmountMax), unit: quantity.text('unit', { lengthMax: labelLengthMax }) },
        note: c.optionalText('note', short),
      };
    },
  },
  orderLab: {
    keys: ['type', 'labOrderId', 'patientId', 'visitId', 'test', 'specimen'],
    read: (c) => ({
      type: 'orderLab',
      labOrderId: uuid(c, 'labOrderId'),
      patientId: uuid(c, 'patientId'),
      visitId: optionalUuid(c, 'visitId'),
      test: c.text('test', short),
      specimen: c.optionalText('specimen', { lengthMax: labelLengthMax }),
    }),
  },
  recordLabResult: {
    keys: ['type', 'labResultId', 'labOrderId', 'result', 'interpretation'],
    read: (c) => ({
      type: 'recordLabResult',
      labResultId: uuid(c, 'labResultId'),
      labOrderId: uuid(c, 'labOrderId'),
      result: readLabResult(c),
      interpretation: c.optionalOneOf('interpretation', labInterpretations),
    }),
  },
  bookAppointment: {
    keys: ['type', 'appointmentId', 'patientId', 'date', 'time', 'reason'],
    read: (c) => ({
      type: 'bookAppointment',
      appointmentId: uuid(c, 'appointmentId'),
      patientId: uuid(c, 'patientId'),
      date: readIsoDate(c.checker, c.raw('date'), c.at('date')),
      time: c.raw('time') === undefined || c.raw('time') === null ? null : c.pattern('time', clockTimePattern, 5, "a time 'HH:MM'"),
      reason: c.optionalText('reason', short),
    }),
  },
  cancelAppointment: {
    keys: ['type', 'appointmentId', 'reason'],
    read: (c) => ({ type: 'cancelAppointment', appointmentId: uuid(c, 'appointmentId'), reason: c.optionalText('reason', short) }),
  },
  grantLease: {
    keys: ['type', 'patientId', 'holderClinicId', 'epoch', 'expiresAt'],
    read: (c) => ({
      type: 'grantLease',
      patientId: uuid(c, 'patientId'),
      holderClinicId: c.pattern('holderClinicId', identityPattern, clientIdLengthMax, 'a clinic id'),
      epoch: c.integer('epoch', 1, Number.MAX_SAFE_INTEGER),
      expiresAt: c.integer('expiresAt', 0, Number.MAX_SAFE_INTEGER),
    }),
  },
  renewLease: {
    keys: ['type', 'patientId', 'epoch', 'expiresAt'],
    read: (c) => ({
      type: 'renewLease',
      patientId: uuid(c, 'patientId'),
      epoch: c.integer('epoch', 1, Number.MAX_SAFE_INTEGER),
      expiresAt: c.integer('expiresAt', 0, Number.MAX_SAFE_INTEGER),
    }),
  },
  releaseLease: {
    keys: ['type', 'patientId', 'epoch'],
    read: (c) => ({ type: 'releaseLease', patientId: uuid(c, 'patientId'), epoch: c.integer('epoch', 1, Number.MAX_SAFE_INTEGER) }),
  },
  recordCentralAcknowledgement: {
    keys: ['type', 'acknowledgedIndex'],
    read: (c) => ({ type: 'recordCentralAcknowledgement', acknowledgedIndex: c.integer('acknowledgedIndex', 0, Number.MAX_SAFE_INTEGER) }),
  },
  revokeDevice: {
    keys: ['type', 'deviceId', 'reason'],
    read: (c) => ({ type: 'revokeDevice', deviceId: c.text('deviceId', { lengthMax: labelLengthMax }), reason: c.text('reason', short) }),
  },
  markEnteredInError: {
    keys: ['type', 'targetId', 'reason'],
    read: (c) => ({ type: 'markEnteredInError', targetId: uuid(c, 'targetId'), reason: c.text('reason', short) }),
  },
  resolveConflict: {
    keys: ['type', 'conflictId', 'value', 'baseVersion'],
    read: (c, { recordedAt, lookups }) => {
      const conflictId = c.text('conflictId', { lengthMax: conflictIdLengthMax });
      const baseVersion = readVersion(c.checker, c.raw('baseVersion'), c.at('baseVersion'));
      // The value's shape is the conflicted field's. After an error the lookup's answer is moot (first error
      // wins and the command is dropped), so it is looked up unconditionally.
      const subject = lookups.conflictSubject(conflictId);
      if (subject === null) {
        c.checker.fail('unknown-conflict', c.at('conflictId'), `no conflict ${conflictId}`);
        return { type: 'resolveConflict', conflictId, baseVersion, value: null };
      }
      const value = subject.kind === 'patient'
        ? patientFieldReaders[subject.field](c.checker, c.raw('value'), c.at('value'), recordedAt)
        : allergyFieldReaders[subject.field](c.checker, c.raw('value'), c.at('value'), recordedAt);
      return { type: 'resolveConflict', conflictId, baseVersion, value };
    },
  },
};

const commandTypes = Object.keys(commandSpecs) as ChartCommandType[];

function readCommand(envelope: FieldReader, context: ReadContext): ChartCommand {
  const checker = envelope.checker;
  const raw = envelope.raw('command');
  const type = peek(raw, 'type');
  // Through the list, not `commandSpecs[type]`: a type like 'toString' names a property of every object.
  // A type that is not a string is in no list, so no typeof test is needed.
  const spec = commandTypes.includes(type as ChartCommandType) ? commandSpecs[type as ChartCommandType] : undefined;
  if (spec === undefined) {
    if (raw === undefined || raw === null) checker.fail('missing-field', 'command', "'command' is required");
    else if (typeof raw !== 'object' || Array.isArray(raw)) checker.fail('malformed', 'command', "'command' must be an object");
    else checker.fail('unknown-command', 'command.type', `unknown command type ${JSON.stringify(type) ?? 'undefined'}`);
    // Stryker disable next-line StringLiteral: a placeholder: the error is recorded, so validateEnvelope returns it and drops this command
    return { type: 'markEnteredInError', targetId: '', reason: '' };
  }
  return spec.read(checker.object(raw, 'command', spec.keys), context);
}

function uuid(reader: FieldReader, key: string): string {
  return readUuid(reader.checker, reader.raw(key), reader.at(key));
}

function optionalUuid(reader: FieldReader, key: string): string | null {
  return readOptionalUuid(reader.checker, reader.raw(key), reader.at(key));
}

/** At least one measurement, each a number in its plausible range; blood pressure comes as a pair. */
function readMeasurements(reader: FieldReader): VitalSignMeasurements {
  const checker = reader.checker;
  const measurements: { -readonly [K in keyof VitalSignMeasurements]: number } = {};
  for (const key of vitalSignKeys) {
    const raw = reader.raw(key);
    if (raw === undefined || raw === null) continue;
    const definition = vitalSigns[key];
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      checker.fail('malformed', reader.at(key), `${definition.label} must be a number`);
      continue;
    }
    if (raw < definition.plausibleMin || raw > definition.plausibleMax) {
      checker.fail('implausible-value', reader.at(key),
        `${definition.label} ${raw} ${definition.unit} is outside the plausible range ${definition.plausibleMin}-${definition.plausibleMax} ${definition.unit}`);
      continue;
    }
    if (definition.integer && !Number.isInteger(raw)) {
      checker.fail('invalid-value', reader.at(key), `${definition.label} must be a whole number of ${definition.unit}`);
      continue;
    }
    measurements[key] = raw;
  }
  const { systolicMmHg, diastolicMmHg } = measurements;
  if (Object.keys(measurements).length === 0) {
    checker.fail('missing-field', reader.path, 'record at least one vital sign');
  } else if ((systolicMmHg === undefined) !== (diastolicMmHg === undefined)) {
    const missing = systolicMmHg === undefined ? 'systolicMmHg' : 'diastolicMmHg';
    checker.fail('missing-field', reader.at(missing), 'blood pressure needs both systolic and diastolic');
  } else if (systolicMmHg !== undefined && diastolicMmHg !== undefined && diastolicMmHg >= systolicMmHg) {
    checker.fail('implausible-value', reader.at('diastolicMmHg'), `diastolic ${diastolicMmHg} mmHg must be below systolic ${systolicMmHg} mmHg`);
  }
  return measurements;
}

function readLabResult(command: FieldReader): LabResultValue {
  const checker = command.checker;
  const kind = peek(command.raw('result'), 'kind');
  if (kind === 'text') {
    const reader = command.object('result', ['kind', 'text']);
    return { kind: 'text', text: reader.text('text', short) };
  }
  const reader = command.object('result', ['kind', 'value', 'unit']);
  if (kind !== 'numeric') {
    checker.fail('invalid-value', reader.at('kind'), "a lab result's kind is 'numeric' or 'text'");
  }
  return {
    kind: 'numeric',
    value: reader.number('value', -labNumericValueMax, labNumericValueMax),
    unit: reader.text('unit', { lengthMax: labelLengthMax }),
  };
}
