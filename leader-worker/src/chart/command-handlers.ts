// One handler per command type: the dispatch table the state machine applies a validated command through.
import type { ChartCommand, ChartCommandType } from './commands.js';
import type { ChartStore } from './chart-store.js';
import {
  addDiagnosis, addNote, bookAppointment, cancelAppointment, dispense, markEnteredInError, moveVisit, openVisit,
  orderLab, prescribe, recordAllergy, recordLabResult, recordVitals, updateAllergy,
} from './clinical-handlers.js';
import { recordCentralAcknowledgement, revokeDevice } from './central-handlers.js';
import { resolveConflict } from './field-edits.js';
import type { ApplyContext, HandlerOutcome } from './handler-context.js';
import { grantLease, registerPatient, releaseLease, renewLease, updatePatient } from './patient-handlers.js';

type Handler<T extends ChartCommandType> = (store: ChartStore, context: ApplyContext, command: Extract<ChartCommand, { type: T }>) => HandlerOutcome;

const handlers: { readonly [T in ChartCommandType]: Handler<T> } = {
  registerPatient,
  updatePatient,
  openVisit,
  moveVisit,
  recordVitals,
  addNote,
  addDiagnosis,
  recordAllergy,
  updateAllergy,
  prescribe,
  dispense,
  orderLab,
  recordLabResult,
  bookAppointment,
  cancelAppointment,
  grantLease,
  renewLease,
  releaseLease,
  markEnteredInError,
  recordCentralAcknowledgement,
  revokeDevice,
  resolveConflict: (store, context, command) => resolveConflict(store, context, command.conflictId, command.value, command.baseVersion),
};

export function handleCommand(store: ChartStore, context: ApplyContext, command: ChartCommand): HandlerOutcome {
  // The table pairs each type with its own handler; TypeScript cannot follow that through a union.
  const handler = handlers[command.type] as (store: ChartStore, context: ApplyContext, command: ChartCommand) => HandlerOutcome;
  return handler(store, context, command);
}
