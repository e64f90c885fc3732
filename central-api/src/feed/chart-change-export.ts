// Tells every other clinic holding a patient what one clinic wrote to that patient's chart.
//
// The chart copy's projection calls it with each step's accepted writes, inside the transaction that records
// the step, so an export happens exactly when the copy moves past the entry (a projection that does not commit
// exports nothing, and its retry exports again under the same subject ids: nothing twice). It:
//   1. records that the writing clinic holds each patient it wrote to (patient_horizons);
//   2. for each write worth importing elsewhere, appends a 'chartChange' item to the feed of every other
//      clinic holding that patient, in log order.
// Not exported: entries imported from central's feed (their clientId is the feed's: they came from here, and
// sending them on would echo between clinics), writes fenced as made under a stale lease epoch, and commands
// that only make sense in the clinic that wrote them (see exportedCommandTypes).
import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ChartCommandType } from '../../../leader-worker/src/chart/commands.js';
import { chartChangeEnvelope, feedClientId } from './feed-envelopes.js';
import { FeedRepository } from './feed.repository.js';

/** An accepted command of a clinic's log that wrote to one patient's chart. */
export interface ChartWrite {
  readonly logIndex: number;
  readonly patientId: string;
  /** The decoded envelope as stored in the clinic's log. */
  readonly envelope: Record<string, unknown>;
}

/**
 * What another clinic imports: the patient's clinical record. Left out: registerPatient (a clinic that holds
 * the patient has the registration), appointments (each clinic's own schedule), leases (granted per clinic) and
 * conflict resolutions (a conflict is in one clinic's record).
 */
export const exportedCommandTypes: ReadonlySet<ChartCommandType> = new Set<ChartCommandType>([
  'updatePatient', 'openVisit', 'moveVisit', 'recordVitals', 'addNote', 'addDiagnosis', 'recordAllergy', 'updateAllergy',
  'prescribe', 'dispense', 'orderLab', 'recordLabResult', 'markEnteredInError',
]);

@Injectable()
export class ChartChangeExport {
  private readonly logger = new Logger(ChartChangeExport.name);

  constructor(private readonly feed: FeedRepository) {}

  /** `fencedLogIndexes`: this step's writes found stale, which never leave their clinic. */
  async exportWrites(manager: EntityManager, originClinicId: string, writes: readonly ChartWrite[], fencedLogIndexes: ReadonlySet<number>): Promise<void> {
    if (writes.length === 0) return;
    await manager.query(
      'INSERT INTO patient_horizons (clinic_id, patient_id) SELECT $1, patient_id FROM unnest($2::uuid[]) AS patient_id ON CONFLICT DO NOTHING',
      [originClinicId, [...new Set(writes.map((write) => write.patientId))]],
    );
    const exported = writes.filter((write) => !fencedLogIndexes.has(write.logIndex) && isExported(write.envelope));
    if (exported.length === 0) return;
    const holders: { clinic_id: string; patient_id: string }[] = await manager.query(
      'SELECT clinic_id, patient_id FROM patient_horizons WHERE patient_id = ANY($2::uuid[]) AND clinic_id <> $1 ORDER BY clinic_id, patient_id',
      [originClinicId, [...new Set(exported.map((write) => write.patientId))]],
    );
    const patientsByClinic = new Map<string, Set<string>>();
    for (const row of holders) {
      let patients = patientsByClinic.get(row.clinic_id);
      if (patients === undefined) patientsByClinic.set(row.clinic_id, (patients = new Set()));
      patients.add(row.patient_id);
    }
    // Clinics in id order (the query's), so concurrent exports lock feed heads in one order.
    for (const [clinicId, patients] of patientsByClinic) {
      for (const write of exported) {
        if (!patients.has(write.patientId)) continue;
        const outcome = await this.feed.appendWithin(manager, clinicId, 'chartChange', exportSubjectId(originClinicId, write.logIndex),
          chartChangeEnvelope(write.envelope as { recordedAt: unknown; author: unknown; command: Record<string, unknown> }, originClinicId));
        if (outcome.kind === 'invalid' || outcome.kind === 'subject-conflict') {
          // Accepted by the writing clinic's own machine, so this is a bug in the export: seen, never fatal.
          this.logger.error(`Entry ${originClinicId}@${write.logIndex} not exported to ${clinicId}: ${outcome.kind === 'invalid' ? outcome.error.message : 'its subject holds another command'}`);
        }
      }
    }
  }
}

function isExported(envelope: Record<string, unknown>): boolean {
  const command = envelope.command as { type?: unknown } | undefined;
  return envelope.clientId !== feedClientId && typeof command?.type === 'string' && exportedCommandTypes.has(command.type as ChartCommandType);
}

/**
 * The feed subject of one exported entry, a UUID named by (origin clinic, log index): the same entry exported
 * again (a projection retried) finds the item it added.
 */
export function exportSubjectId(originClinicId: string, logIndex: number): string {
  const hex = createHash('sha256').update(`${originClinicId}/${logIndex}`).digest('hex');
  // Version 8 (custom) and the RFC variant bits, so it is a well-formed UUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
