// What central feeds a clinic, as the chart command envelopes the clinic's leader proposes as they are, checked
// with the clinics' own validator: what passes here is what every device of the clinic will accept.
//
// The feed's identity: every item is proposed as (clientId 'central-feed', sequence = the item's position in
// the clinic's feed). A leader that imports an item twice (a retry, a new leader re-reading the feed) proposes
// the same identity, and the state machine applies it once. The importing leader must respect the duplicate
// window (feedItemMayBeProposed): never item s + duplicateWindowSequences before the outcome of every item
// <= s is known.
import type { CommandEnvelope, LabInterpretation, RecordLabResult, RegisterPatient, RevokeDevice, Sex } from './commands.js';
import { duplicateWindowSequences } from './limits.js';
import { validateEnvelope, type Validated } from './validate-envelope.js';

/** The client id of every command central feeds a clinic. */
export const feedClientId = 'central-feed';
/** The device id of central as the author of what it feeds (lab results, central registrations). */
export const centralAuthorDeviceId = 'central';

/** Whether a decoded envelope came from central's feed (so it must never be exported back out of the clinic). */
export function isFeedEnvelope(envelope: unknown): boolean {
  return typeof envelope === 'object' && envelope !== null && (envelope as { clientId?: unknown }).clientId === feedClientId;
}

/**
 * The duplicate window, for the importing leader: item `sequence` may be proposed only while it is fewer than
 * duplicateWindowSequences past the oldest item whose outcome is not yet known (`oldestUndecidedSequence`).
 */
export function feedItemMayBeProposed(sequence: number, oldestUndecidedSequence: number): boolean {
  return sequence < oldestUndecidedSequence + duplicateWindowSequences;
}

/** Builds an item's envelope once its sequence and time (central's database's) are known. */
export type EnvelopeBuilder = (sequence: number, recordedAtMs: number) => Validated<CommandEnvelope>;

/** A result from an outside laboratory for an order the clinic made. */
export interface LabResultFromOutside {
  readonly labResultId: string;
  readonly labOrderId: string;
  readonly result: unknown;
  readonly interpretation?: LabInterpretation | null;
  /** Who sends the result: the author the clinic sees. */
  readonly laboratory: string;
}

/** A patient registered at central, for a clinic to hold. */
export interface RegistrationFromCentral {
  readonly patientId: string;
  readonly name: unknown;
  readonly sex: Sex;
  readonly birth: unknown;
  readonly identifiers?: unknown;
  readonly phone?: unknown;
  readonly address?: unknown;
  readonly nextOfKin?: unknown;
  readonly registeredBy: string;
}

export function labResultEnvelope(request: LabResultFromOutside): EnvelopeBuilder {
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

export function registrationEnvelope(request: RegistrationFromCentral): EnvelopeBuilder {
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

/** A device of the clinic central revoked (lost, stolen, retired), for every device to refuse from then on. */
export interface DeviceRevocationFromCentral {
  readonly deviceId: string;
  readonly reason: string;
  /** Who revoked it (an admin's name): the author the clinic sees. */
  readonly revokedBy: string;
}

export function deviceRevocationEnvelope(request: DeviceRevocationFromCentral): EnvelopeBuilder {
  const command: Record<keyof RevokeDevice, unknown> = { type: 'revokeDevice', deviceId: request.deviceId, reason: request.reason };
  return (sequence, recordedAtMs) =>
    validated({ sequence, recordedAt: recordedAtMs, author: { deviceId: centralAuthorDeviceId, userName: request.revokedBy, role: 'central admin' }, command });
}

/**
 * Another clinic's write, as this clinic imports it: the command, author and clinical time as written there, a
 * visit marked as that clinic's (so it stays out of this clinic's queues), under the feed's identity.
 */
export function chartChangeEnvelope(
  written: { readonly recordedAt: unknown; readonly author: unknown; readonly command: Record<string, unknown> },
  originClinicId: string,
): EnvelopeBuilder {
  const command = written.command.type === 'openVisit' && written.command.clinicId === undefined ? { ...written.command, clinicId: originClinicId } : written.command;
  return (sequence) => validated({ sequence, recordedAt: written.recordedAt, author: written.author, command });
}

function validated(parts: { sequence: number; recordedAt: unknown; author: unknown; command: unknown }): Validated<CommandEnvelope> {
  // No conflict lookups: feed commands never resolve conflicts.
  return validateEnvelope({ clientId: feedClientId, ...parts }, { conflictSubject: () => null });
}
