// Validators for the values a command carries, shared by the command validators and by conflict resolution
// (whose value is checked against the conflicted field only when it is applied). Each reads an `unknown`
// value at a path and returns the normalized value (texts trimmed, optional parts null).
import type {
  Address, AllergyField, AllergyFieldValues, Birth, Identifier, NextOfKin, PatientField, PatientFieldValues, PersonName,
} from './commands.js';
import { allergySeverities, allergyStatuses, sexes } from './commands.js';
import { dayNumberOfIsoDate, dayNumberOfMs, isoDateYear, yearOfMs } from './calendar.js';
import { Checker, join, peek } from './checker.js';
import {
  birthYearMin, calendarYearMax, calendarYearMin, clientIdLengthMax, identifiersPerPatientMax, labelLengthMax,
  nameLengthMax, phoneDigitsMax, phoneDigitsMin, phoneLengthMax, shortTextLengthMax,
} from './limits.js';

/** Proposer-made ids: lower-case UUIDs, so two spellings never name one thing. */
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Client and clinic ids: no '/' or ':' (they are joined into event ids and versions with those). */
export const identityPattern = /^[A-Za-z0-9._~-]+$/;
/** A field version: `${clientId}:${sequence}`. */
export const versionPattern = /^[A-Za-z0-9._~-]+:[1-9][0-9]{0,15}$/;
export const versionLengthMax = clientIdLengthMax + 17;
/** ICD-10 (WHO and -CM): letter, two characters, optional dot and up to four more ('B54', 'E11.9', 'S72.001A'). */
export const icd10Pattern = /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/;
// Stryker disable next-line Regex: read only through checker.pattern with lengthMax 10, the length of any match, so dropping an anchor admits no longer text
export const isoDateTextPattern = /^\d{4}-\d{2}-\d{2}$/;
// Stryker disable next-line Regex: read only through checker.pattern with lengthMax 5, the length of any match, so dropping an anchor admits no longer text
export const clockTimePattern = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const identifierSystemPattern = /^[a-z0-9][a-z0-9._:/-]*$/;
const identifierSystemLengthMax = 64;
const phonePattern = /^\+?[0-9][0-9 ().-]*$/;

export function readUuid(checker: Checker, value: unknown, path: string): string {
  return checker.pattern(value, path, uuidPattern, 36, 'a lower-case UUID');
}

export function readOptionalUuid(checker: Checker, value: unknown, path: string): string | null {
  return value === undefined || value === null ? null : readUuid(checker, value, path);
}

export function readVersion(checker: Checker, value: unknown, path: string): string {
  return checker.pattern(value, path, versionPattern, versionLengthMax, "a field version 'clientId:sequence'");
}

/** A calendar date within the supported years (from `yearMin`: a date of birth may be older than any appointment). */
export function readIsoDate(checker: Checker, value: unknown, path: string, yearMin: number = calendarYearMin): string {
  const text = checker.pattern(value, path, isoDateTextPattern, 10, "a date 'YYYY-MM-DD'");
  const year = isoDateYear(text);
  if (dayNumberOfIsoDate(text) === null || year < yearMin || year > calendarYearMax) {
    checker.fail('invalid-value', path, `'${path}' is not a calendar date between ${yearMin} and ${calendarYearMax}`);
    // Stryker disable next-line StringLiteral: a placeholder after the failure, which decides the outcome; the one caller that reads it (readDateOfBirth) maps a non-date to day 0
    return '1970-01-01';
  }
  return text;
}

export function readPhone(checker: Checker, value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null;
  const text = checker.text(value, path, { lengthMax: phoneLengthMax, allowEmpty: true });
  if (text === '') return null;
  let digits = 0;
  // Stryker disable next-line ConditionalExpression: `<= '9'` -> true counts no other character: phonePattern admits only digits and '+ ().-', all below '0'
  for (const character of text) if (character >= '0' && character <= '9') digits++;
  if (!phonePattern.test(text) || digits < phoneDigitsMin || digits > phoneDigitsMax) {
    checker.fail('invalid-value', path, `'${path}' must be a phone number of ${phoneDigitsMin} to ${phoneDigitsMax} digits`);
    return null;
  }
  return text;
}

function readName(checker: Checker, value: unknown, path: string): PersonName {
  const reader = checker.object(value, path, ['given', 'family']);
  const given = reader.text('given', { lengthMax: nameLengthMax, allowEmpty: true });
  const family = reader.text('family', { lengthMax: nameLengthMax, allowEmpty: true });
  if (given === '' && family === '') {
    checker.fail('missing-field', join(path, 'given'), 'a patient needs a given or a family name');
  }
  return { given, family };
}

/** Birth as given, checked against the proposer's clock: nobody is born after the day they are recorded. */
function readBirth(checker: Checker, value: unknown, path: string, recordedAt: number): Birth {
  const estimated = checker.boolean(peek(value, 'estimated'), join(path, 'estimated'));
  const reader = checker.object(value, path, estimated ? ['estimated', 'birthYear'] : ['estimated', 'dateOfBirth']);
  // One day of slack: the proposer's local date may be a day ahead of UTC.
  if (estimated) {
    const birthYear = reader.integer('birthYear', birthYearMin, yearOfMs(recordedAt) + 1);
    return { estimated: true, birthYear };
  }
  const dateOfBirth = readIsoDate(checker, reader.raw('dateOfBirth'), reader.at('dateOfBirth'), birthYearMin);
  const day = dayNumberOfIsoDate(dateOfBirth) ?? 0;
  if (day > dayNumberOfMs(recordedAt) + 1) {
    checker.fail('invalid-value', reader.at('dateOfBirth'), `date of birth must be between ${birthYearMin} and the day it is recorded`);
  }
  return { estimated: false, dateOfBirth };
}

function readIdentifiers(checker: Checker, value: unknown, path: string): readonly Identifier[] {
  const items = checker.list(value, path, identifiersPerPatientMax);
  const identifiers: Identifier[] = [];
  items.forEach((item, index) => {
    const reader = checker.object(item, `${path}[${index}]`, ['system', 'value']);
    const system = reader.pattern('system', identifierSystemPattern, identifierSystemLengthMax, "a lower-case system name like 'national-id'");
    const identifierValue = reader.text('value', { lengthMax: labelLengthMax });
    if (identifiers.some((other) => other.system === system && other.value === identifierValue)) {
      checker.fail('invalid-value', `${path}[${index}]`, `identifier ${system} ${identifierValue} is listed twice`);
    }
    identifiers.push({ system, value: identifierValue });
  });
  return identifiers;
}

function readAddress(checker: Checker, value: unknown, path: string): Address | null {
  const reader = checker.optionalObject(value, path, ['village', 'details']);
  if (reader === null) return null;
  return { village: reader.text('village', { lengthMax: labelLengthMax }), details: reader.optionalText('details', { lengthMax: shortTextLengthMax }) };
}

function readNextOfKin(checker: Checker, value: unknown, path: string): NextOfKin | null {
  const reader = checker.optionalObject(value, path, ['name', 'relationship', 'phone']);
  if (reader === null) return null;
  return {
    name: reader.text('name', { lengthMax: nameLengthMax * 2 }),
    relationship: reader.text('relationship', { lengthMax: labelLengthMax }),
    phone: readPhone(checker, reader.raw('phone'), reader.at('phone')),
  };
}

type FieldValueReader<Value> = (checker: Checker, value: unknown, path: string, recordedAt: number) => Value;

/** One validator per versioned patient field. */
export const patientFieldReaders: { readonly [F in PatientField]: FieldValueReader<PatientFieldValues[F]> } = {
  name: readName,
  sex: (checker, value, path) => checker.oneOf(value, path, sexes),
  birth: readBirth,
  identifiers: readIdentifiers,
  phone: readPhone,
  address: readAddress,
  nextOfKin: readNextOfKin,
};

/** One validator per versioned allergy field. */
export const allergyFieldReaders: { readonly [F in AllergyField]: FieldValueReader<AllergyFieldValues[F]> } = {
  substance: (checker, value, path) => checker.text(value, path, { lengthMax: shortTextLengthMax }),
  reaction: (checker, value, path) => checker.optionalText(value, path, { lengthMax: shortTextLengthMax }),
  severity: (checker, value, path) => checker.oneOf(value, path, allergySeverities),
  status: (checker, value, path) => checker.oneOf(value, path, allergyStatuses),
};
