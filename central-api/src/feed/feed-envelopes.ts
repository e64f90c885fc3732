// Turns what a producer sent into the chart command envelope a clinic leader proposes as it is, and checks it
// with the clinics' own validator: what passes here is what every device of the clinic will accept.
//
// The envelope's identity is (clientId 'central-feed', sequence = the item's position in the clinic's feed):
// a leader that imports an item twice (a retry, a new leader re-reading the feed) proposes the same
// identity, and the state machine applies it once. The leader must respect the state machine's duplicate
// window: never propose item s + duplicateWindowSequences before it knows the outcome of every item <= s.
import type { CommandEnvelope, RecordLabResult, RegisterPatient } from '../../../leader-worker/src/chart/commands.js';
import { validateEnvelope, type Validated } from '../../../leader-worker/src/chart/validate-envelope.js';
import type { LabResultRequest } from './dto/lab-result.request.js';
import type { RegistrationRequest } from './dto/registration.request.js';

export const feedClientId = 'central-feed';
export const centralAuthorDeviceId = 'central';

/** Builds the envelope once the item's sequence and time (the database's) are known. */
export type EnvelopeBuilder = (sequence: number, recordedAtMs: number) => Validated<CommandEnvelope>;

export function labResultEnvelope(request: LabResultRequest): EnvelopeBuilder {
  const command: Record<keyof RecordLabResult, unknown> = {
    type: 'recordLabResult',
    labResultId: request.labResultId,
    labOrderId: request.labOrderId,
    result: request.result,
    interpretation: request.interpretation ?? null,
  };
  return (sequence, recordedAtMs) =>
    validated({ sequence, recordedAt: recordedAtMs, author: { deviceId: centralAuthorDeviceId, userName: request.laboratory, role: 'laboratory' }, command });
}

export function registrationEnvelope(request: RegistrationRequest): EnvelopeBuilder {
  const command: Record<keyof RegisterPatient, unknown> = {
    type: 'registerPatient',
    patientId: request.patientId,
    name: request.name,
    sex: request.sex,
    birth: request.birth,
    identifiers: request.identifiers ?? [],
    phone: request.phone ?? null,
    address: request.address ?? null,
    nextOfKin: request.nextOfKin ?? null,
  };
  return (sequence, recordedAtMs) =>
    validated({ sequence, recordedAt: recordedAtMs, author: { deviceId: centralAuthorDeviceId, userName: request.registeredBy, role: 'central registration' }, command });
}

/**
 * Another clinic's write, as this clinic imports it: the command, author and clinical time as written there, a
 * visit marked as that clinic's (so it stays out of this clinic's queues), under the feed's identity.
 */
export function chartChangeEnvelope(written: { readonly recordedAt: unknown; readonly author: unknown; readonly command: Record<string, unknown> }, originClinicId: string): EnvelopeBuilder {
  const command = written.command.type === 'openVisit' && written.command.clinicId === undefined ? { ...written.command, clinicId: originClinicId } : written.command;
  return (sequence) => validated({ sequence, recordedAt: written.recordedAt, author: written.author, command });
}

function validated(parts: { sequence: number; recordedAt: unknown; author: unknown; command: unknown }): Validated<CommandEnvelope> {
  // No conflict lookups: feed commands never resolve conflicts.
  return validateEnvelope({ clientId: feedClientId, ...parts }, { conflictSubject: () => null });
}
