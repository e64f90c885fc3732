// Which writes of one clinic another clinic holding the same patient imports (central exports them through
// its feed): the patient's clinical record, never what only makes sense where it was written.
import type { ChartCommandType } from './commands.js';
import { isFeedEnvelope } from './feed-envelopes.js';

/**
 * What another clinic imports. Left out: registerPatient (a clinic that holds the patient has the
 * registration), appointments (each clinic's own schedule), leases (granted per clinic) and conflict
 * resolutions (a conflict is in one clinic's record).
 */
export const exportedCommandTypes: ReadonlySet<ChartCommandType> = new Set<ChartCommandType>([
  'updatePatient', 'openVisit', 'moveVisit', 'recordVitals', 'addNote', 'addDiagnosis', 'recordAllergy', 'updateAllergy',
  'prescribe', 'dispense', 'orderLab', 'recordLabResult', 'markEnteredInError',
]);

/**
 * Whether an accepted write (a decoded envelope) goes to the other clinics holding its patient. Entries
 * imported from central's feed never do: they came from there, and sending them on would echo between clinics.
 */
export function isExportedWrite(envelope: unknown): boolean {
  if (typeof envelope !== 'object' || envelope === null || isFeedEnvelope(envelope)) return false;
  const type = (envelope as { command?: { type?: unknown } }).command?.type;
  return typeof type === 'string' && exportedCommandTypes.has(type as ChartCommandType);
}
