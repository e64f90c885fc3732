// Which chart a command writes to, and under which lease epoch: what lease fencing (central) and a clinic
// leader taking leases need to know of one command, read off a chart state machine before it applies it.
import type { ChartStateMachine } from './chart-state-machine.js';
import type { ChartCommandType } from './commands.js';
import { uuidPattern } from './field-validators.js';

/** Central's own grants, renewals and releases written into the clinic log: never fenced themselves. */
export const leaseCommandTypes: ReadonlySet<ChartCommandType> = new Set<ChartCommandType>(['grantLease', 'renewLease', 'releaseLease']);

/**
 * The fields by which a command that does not name its patient names the record it changes (a move names its
 * visit, a dispense its prescription, a resolution its conflict): the record's chart is the one written to.
 */
const recordReferenceFields = ['visitId', 'allergyId', 'prescriptionId', 'labOrderId', 'appointmentId', 'targetId', 'conflictId'] as const;

/**
 * The patient whose chart the command envelope writes to: its `patientId` field, or else the patient whose
 * chart holds the record it names, as `machine` knows before applying it. Null for lease commands, for a
 * record the machine does not hold (the command will be rejected), and for anything malformed.
 */
export function touchedPatient(machine: ChartStateMachine, envelope: unknown): string | null {
  const command = field(envelope, 'command');
  const type = field(command, 'type');
  if (typeof type !== 'string' || leaseCommandTypes.has(type as ChartCommandType)) return null;
  const named = field(command, 'patientId');
  if (named !== undefined) return typeof named === 'string' && uuidPattern.test(named) ? named : null;
  for (const reference of recordReferenceFields) {
    const id = field(command, reference);
    if (typeof id === 'string') return machine.patientOf(id);
  }
  return null;
}

/**
 * The epoch a write to `patientId`'s chart is made under: that of the lease `machine` holds for `clinicId`
 * (released or expired ones too: the clinic's last own grant), 0 when it holds none or only another clinic's.
 * A write made while the machine knows another clinic holds the chart is made under no lease of this clinic's.
 */
export function writtenEpoch(machine: ChartStateMachine, patientId: string, clinicId: string): number {
  const lease = machine.openChart(patientId)?.lease ?? null;
  return lease !== null && lease.holderClinicId === clinicId ? lease.epoch : 0;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
