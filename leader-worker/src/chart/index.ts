// The chart domain's one public entry. The clinic node, its Worker, central, the simulator and the app import
// the chart from here and nowhere else (eslint.config.js forbids reaching past it), so what a command means —
// its validation, how it applies, which chart it writes to, whether it leaves the clinic, how its bytes decode
// and how the state hashes — is written once and cannot drift between the parts that must agree on it.
// Pure: no I/O, no clock, no randomness (linted with the Raft core).

export { ChartStateMachine, type RestoreResult } from './chart-state-machine.js';
export * from './commands.js';
export * from './results.js';
export * from './records.js';
export * from './limits.js';
export { validateEnvelope, validateIdentity, type ProposalIdentity, type Validated, type ValidationLookups } from './validate-envelope.js';
export { identityPattern, uuidPattern } from './field-validators.js';
export { yearOfMs } from './calendar.js';
export { nameTokens, withinOneEdit } from './text-folding.js';
export { decodeCommand, encodeCommand } from './command-codec.js';
export { leaseCommandTypes, touchedPatient, writtenEpoch } from './write-scope.js';
export { exportedCommandTypes, isExportedWrite } from './export-policy.js';
export { centralAcknowledgementClientId } from './central-handlers.js';
export {
  allHistoryYears, historyWithin, historyYearMs, historyYearsChoices, wholeHistory,
  type HistoryDepth, type HistoryEntry, type HistoryYears, type HorizonCriteria,
} from './sync-horizon.js';
export {
  centralAuthorDeviceId, chartChangeEnvelope, deviceRevocationEnvelope, feedClientId, feedItemMayBeProposed, isFeedEnvelope, labResultEnvelope,
  registrationEnvelope, type DeviceRevocationFromCentral, type EnvelopeBuilder, type LabResultFromOutside, type RegistrationFromCentral,
} from './feed-envelopes.js';
