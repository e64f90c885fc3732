// Tells every other clinic holding a patient what one clinic wrote to that patient's chart.
//
// The chart copy's projection calls it with each step's accepted writes, inside the transaction that records
// the step, so an export happens exactly when the copy moves past the entry (a projection that does not commit
// exports nothing, and its retry exports again under the same subject ids: nothing twice). It:
//   1. records that the writing clinic holds each patient it wrote to (patient_horizons);
//   2. for each patient the clinic did not hold before, appends to its feed what other clinics wrote to that
//      chart before (the history, from patient_writes), in the order it was exported;
//   3. records each write worth importing elsewhere (patient_writes), and appends a 'chartChange' item to the
//      feed of every other clinic holding that patient, in log order.
// Steps 1-3 of every projection take a transaction-scoped advisory lock per patient they touch (in one order),
// so a clinic starting to hold a patient and another clinic writing to that chart at the same moment cannot
// miss each other: whichever commits second sees the other's rows.
// Not exported: entries imported from central's feed (their clientId is the feed's: they came from here, and
// sending them on would echo between clinics), writes fenced as made under a stale lease epoch, and commands
// that only make sense in the clinic that wrote them (the chart domain's export policy, isExportedWrite).
import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  centralAuthorDeviceId, chartChangeEnvelope, decodeCommand, historyWithin, isExportedWrite, isFeedEnvelope, wholeHistory, type HistoryDepth,
} from '../../../leader-worker/src/chart/index.js';
import { FeedRepository } from './feed.repository.js';

/** An accepted command of a clinic's log that wrote to one patient's chart. */
export interface ChartWrite {
  readonly logIndex: number;
  readonly patientId: string;
  /** The decoded envelope as stored in the clinic's log. */
  readonly envelope: Record<string, unknown>;
}

/** Records that `clinicId` holds these patients; answers those it did not hold before. */
async function holdPatients(manager: EntityManager, clinicId: string, patientIds: readonly string[]): Promise<string[]> {
  if (patientIds.length === 0) return [];
  const rows: { patient_id: string }[] = await manager.query(
    'INSERT INTO patient_horizons (clinic_id, patient_id) SELECT $1, patient_id FROM unnest($2::uuid[]) AS patient_id ON CONFLICT DO NOTHING RETURNING patient_id',
    [clinicId, patientIds],
  );
  return rows.map((row) => row.patient_id);
}

/** How much of other clinics' history `clinicId` gets (its sync horizon's years; whole without one). */
export async function historyDepthOf(manager: EntityManager, clinicId: string): Promise<HistoryDepth> {
  const rows: { encounters_years: number; labs_years: number; prescriptions_years: number }[] = await manager.query(
    'SELECT encounters_years, labs_years, prescriptions_years FROM sync_horizons WHERE clinic_id = $1', [clinicId]);
  const row = rows[0];
  return row === undefined ? wholeHistory : { encounters: row.encounters_years, labs: row.labs_years, prescriptions: row.prescriptions_years } as HistoryDepth;
}

/** One chartChange item to append: `originClinicId`'s entry `logIndex` for `targetClinicId`'s feed. */
interface ChartChangeAppend {
  readonly targetClinicId: string;
  readonly originClinicId: string;
  readonly logIndex: number;
  readonly envelope: StoredEnvelope;
}

/** An envelope as a clinic's log stores it (validated by its machine when it applied). */
type StoredEnvelope = { readonly recordedAt: unknown; readonly author: unknown; readonly command: Record<string, unknown> };

/** The first key of the advisory locks taken per patient (the second is the patient id's hash). */
const patientLockSpace = 0x63686172; // 'char'

/**
 * A patient's history sent at once when a clinic starts holding them, at most: years of a chronic patient's
 * care fit; a chart beyond it is a clinic's pre-cache to page through the charts API.
 */
export const historyEntriesPerPatientMax = 5_000;

@Injectable()
export class ChartChangeExport {
  private readonly logger = new Logger(ChartChangeExport.name);

  constructor(private readonly feed: FeedRepository) {}

  /** `fencedLogIndexes`: this step's writes found stale, which never leave their clinic. */
  async exportWrites(manager: EntityManager, originClinicId: string, writes: readonly ChartWrite[], fencedLogIndexes: ReadonlySet<number>): Promise<void> {
    if (writes.length === 0) return;
    // Locked in the order given: sorted here, the same in every transaction, so two never wait on each other.
    const patientIds = [...new Set(writes.map((write) => write.patientId))].sort();
    await manager.query('SELECT pg_advisory_xact_lock($1::int, hashtext(patient_id)) FROM unnest($2::text[]) AS patient_id', [patientLockSpace, patientIds]);
    await this.recordRegistrations(manager, originClinicId, writes);
    const newlyHeld = await holdPatients(manager, originClinicId, patientIds);
    // Every append below locks its target's feed head: they are made in one pass sorted by target clinic, so
    // two projections never wait on each other's heads (each target's own items keep their order).
    const appends: ChartChangeAppend[] = [];
    if (newlyHeld.length > 0) {
      const depth = await historyDepthOf(manager, originClinicId);
      for (const patientId of newlyHeld) appends.push(...(await this.history(manager, originClinicId, patientId, depth)));
    }
    const exported = writes.filter((write) => !fencedLogIndexes.has(write.logIndex) && isExportedWrite(write.envelope));
    if (exported.length > 0) {
      await manager.query(
        'INSERT INTO patient_writes (patient_id, clinic_id, log_index) SELECT patient_id, $1, log_index FROM unnest($2::uuid[], $3::bigint[]) AS write (patient_id, log_index) ON CONFLICT DO NOTHING',
        [originClinicId, exported.map((write) => write.patientId), exported.map((write) => write.logIndex)],
      );
      const holders: { clinic_id: string; patient_id: string }[] = await manager.query(
        'SELECT clinic_id, patient_id FROM patient_horizons WHERE patient_id = ANY($2::uuid[]) AND clinic_id <> $1',
        [originClinicId, [...new Set(exported.map((write) => write.patientId))]],
      );
      for (const write of exported) {
        for (const holder of holders) {
          if (holder.patient_id !== write.patientId) continue;
          appends.push({ targetClinicId: holder.clinic_id, originClinicId, logIndex: write.logIndex, envelope: write.envelope as StoredEnvelope });
        }
      }
    }
    // Array.prototype.sort is stable: within a target, history first, then this step's writes in log order.
    appends.sort((left, right) => (left.targetClinicId < right.targetClinicId ? -1 : left.targetClinicId > right.targetClinicId ? 1 : 0));
    for (const append of appends) await this.send(manager, append);
  }

  /**
   * `clinicId` starts holding the patients it does not hold yet (its sync horizon brought them): each gets its
   * registration where it was first registered, then its history (as deep as `depth`), through the clinic's
   * feed, in one append. Takes the patients' locks like a projection, so a write to one of these charts
   * committing meanwhile is either in the history or exported to the clinic as it now holds the patient.
   * Answers, per patient newly held, the sequence of its last item; patients with no registration central
   * knows of (or held already) are left out.
   */
  async startHolding(manager: EntityManager, clinicId: string, patientIds: readonly string[], depth: HistoryDepth): Promise<Map<string, number>> {
    const sorted = [...new Set(patientIds)].sort();
    if (sorted.length === 0) return new Map();
    await manager.query('SELECT pg_advisory_xact_lock($1::int, hashtext(patient_id)) FROM unnest($2::text[]) AS patient_id', [patientLockSpace, sorted]);
    const registrations: { patient_id: string; clinic_id: string; log_index: string; data: Buffer }[] = await manager.query(
      `SELECT r.patient_id, r.clinic_id, r.log_index, e.data FROM patient_registrations r
       JOIN log_entries e ON e.clinic_id = r.clinic_id AND e.log_index = r.log_index
       WHERE r.patient_id = ANY($1::uuid[]) AND r.clinic_id <> $2`,
      [sorted, clinicId],
    );
    const registrationOf = new Map(registrations.map((row) => [row.patient_id, row]));
    const newlyHeld = new Set(await holdPatients(manager, clinicId, sorted.filter((patientId) => registrationOf.has(patientId))));
    const items: { patientId: string; append: ChartChangeAppend }[] = [];
    // In the order asked (the horizon's), each patient's items together.
    for (const patientId of new Set(patientIds)) {
      if (!newlyHeld.has(patientId)) continue;
      const registration = registrationOf.get(patientId)!;
      items.push({ patientId, append: {
        targetClinicId: clinicId, originClinicId: registration.clinic_id, logIndex: Number(registration.log_index),
        envelope: decodeCommand(registration.data) as StoredEnvelope,
      } });
      for (const append of await this.history(manager, clinicId, patientId, depth)) items.push({ patientId, append });
    }
    const answers = await this.feed.appendManyWithin(manager, clinicId, 'chartChange', items.map(({ append }) => ({
      subjectId: exportSubjectId(append.originClinicId, append.logIndex),
      build: chartChangeEnvelope(append.envelope, append.originClinicId),
    })));
    const lastSequences = new Map<string, number>();
    answers.forEach((answer, index) => {
      const { patientId, append } = items[index]!;
      if ('error' in answer) {
        this.logger.error(`Entry ${append.originClinicId}@${append.logIndex} not sent to ${clinicId}'s horizon: ${answer.error.message}`);
        return;
      }
      lastSequences.set(patientId, Math.max(lastSequences.get(patientId) ?? 0, answer.sequence));
    });
    return lastSequences;
  }

  /**
   * Each patient's first registration central sees: a clinic's own, or central's for a clinic (imported from the
   * feed with central as its author). Another clinic's registration imported through a horizon is not one.
   */
  private async recordRegistrations(manager: EntityManager, clinicId: string, writes: readonly ChartWrite[]): Promise<void> {
    const registrations = writes.filter(({ envelope }) => (envelope.command as { type?: unknown } | undefined)?.type === 'registerPatient'
      && (!isFeedEnvelope(envelope) || (envelope.author as { deviceId?: unknown } | undefined)?.deviceId === centralAuthorDeviceId));
    if (registrations.length === 0) return;
    await manager.query(
      'INSERT INTO patient_registrations (patient_id, clinic_id, log_index) SELECT patient_id, $1, log_index FROM unnest($2::uuid[], $3::bigint[]) AS r (patient_id, log_index) ON CONFLICT DO NOTHING',
      [clinicId, registrations.map((write) => write.patientId), registrations.map((write) => write.logIndex)],
    );
  }

  /**
   * What other clinics wrote to `patientId`'s chart before `clinicId` held it, in the order it was exported, as
   * deep as the clinic's horizon asks (historyWithin keeps each record with what it needs).
   */
  private async history(manager: EntityManager, clinicId: string, patientId: string, depth: HistoryDepth): Promise<ChartChangeAppend[]> {
    const rows: { clinic_id: string; log_index: string; data: Buffer }[] = await manager.query(
      `SELECT w.clinic_id, w.log_index, e.data FROM patient_writes w
       JOIN log_entries e ON e.clinic_id = w.clinic_id AND e.log_index = w.log_index
       WHERE w.patient_id = $1 AND w.clinic_id <> $2 AND NOT e.fenced
       ORDER BY w.write_order LIMIT $3`,
      [patientId, clinicId, historyEntriesPerPatientMax + 1],
    );
    if (rows.length > historyEntriesPerPatientMax) {
      this.logger.warn(`Patient ${patientId}'s history is over ${historyEntriesPerPatientMax} entries: clinic ${clinicId} gets the oldest ${historyEntriesPerPatientMax} through its feed, the rest through the charts API`);
    }
    const history = rows.slice(0, historyEntriesPerPatientMax).map((row) => ({
      targetClinicId: clinicId, originClinicId: row.clinic_id, logIndex: Number(row.log_index), envelope: decodeCommand(row.data) as StoredEnvelope,
    }));
    // Central's clock decides what is within the years: the clinic's may be wrong, and this runs at central.
    return historyWithin(history, depth, Date.now());
  }

  private async send(manager: EntityManager, { targetClinicId: clinicId, originClinicId, logIndex, envelope }: ChartChangeAppend): Promise<void> {
    const outcome = await this.feed.appendWithin(manager, clinicId, 'chartChange', exportSubjectId(originClinicId, logIndex),
      chartChangeEnvelope(envelope, originClinicId));
    if (outcome.kind === 'invalid' || outcome.kind === 'subject-conflict') {
      // Accepted by the writing clinic's own machine, so this is a bug in the export: seen, never fatal.
      this.logger.error(`Entry ${originClinicId}@${logIndex} not exported to ${clinicId}: ${outcome.kind === 'invalid' ? outcome.error.message : 'its subject holds another command'}`);
    }
  }
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
