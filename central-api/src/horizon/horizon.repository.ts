// Reads and writes clinics' sync horizons and their downloads (`sync_horizons`, `horizon_fills`).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { HistoryDepth } from '../../../leader-worker/src/chart/index.js';
import { feedNotificationChannel } from '../feed/feed-limits.js';

/** What an admin sets for a clinic. */
export interface HorizonSettings {
  readonly fromClinicIds: readonly string[];
  readonly registeredThere: boolean;
  readonly seenWithinDays: number;
  readonly appointmentsWithinDays: number;
  readonly years: HistoryDepth;
}

export interface StoredHorizon extends HorizonSettings {
  readonly clinicId: string;
  readonly revision: number;
  /** The revision whose download was queued whole (0: none yet). */
  readonly filledRevision: number;
  readonly updatedAt: Date;
}

export interface StoredFill {
  readonly revision: number;
  readonly patientsTotal: number;
  readonly patientsQueued: number;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
}

interface HorizonRow {
  clinic_id: string;
  from_clinic_ids: string[];
  registered_there: boolean;
  seen_within_days: number;
  appointments_within_days: number;
  encounters_years: number;
  labs_years: number;
  prescriptions_years: number;
  revision: number;
  filled_revision: number;
  updated_at: Date;
}

@Injectable()
export class HorizonRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(clinicId: string): Promise<StoredHorizon | undefined> {
    const rows: HorizonRow[] = await this.dataSource.query('SELECT * FROM sync_horizons WHERE clinic_id = $1', [clinicId]);
    return rows[0] === undefined ? undefined : horizonFromRow(rows[0]);
  }

  /** Stores a new revision of the clinic's horizon. */
  async save(clinicId: string, settings: HorizonSettings): Promise<StoredHorizon> {
    const rows: HorizonRow[] = await this.dataSource.query(
      `INSERT INTO sync_horizons (clinic_id, from_clinic_ids, registered_there, seen_within_days, appointments_within_days, encounters_years, labs_years, prescriptions_years, revision)
       VALUES ($1, $2::uuid[], $3, $4, $5, $6, $7, $8, 1)
       ON CONFLICT (clinic_id) DO UPDATE SET from_clinic_ids = EXCLUDED.from_clinic_ids, registered_there = EXCLUDED.registered_there,
         seen_within_days = EXCLUDED.seen_within_days, appointments_within_days = EXCLUDED.appointments_within_days,
         encounters_years = EXCLUDED.encounters_years, labs_years = EXCLUDED.labs_years, prescriptions_years = EXCLUDED.prescriptions_years,
         revision = sync_horizons.revision + 1, updated_at = now()
       RETURNING *`,
      [clinicId, settings.fromClinicIds, settings.registeredThere, settings.seenWithinDays, settings.appointmentsWithinDays,
        settings.years.encounters, settings.years.labs, settings.years.prescriptions],
    );
    return horizonFromRow(rows[0]!);
  }

  async fill(clinicId: string): Promise<StoredFill | undefined> {
    const rows: { revision: number; patients_total: number; queued: number; started_at: Date; finished_at: Date | null }[] = await this.dataSource.query(
      'SELECT revision, patients_total, cardinality(patient_end_sequences) AS queued, started_at, finished_at FROM horizon_fills WHERE clinic_id = $1', [clinicId]);
    const row = rows[0];
    if (row === undefined) return undefined;
    return { revision: row.revision, patientsTotal: row.patients_total, patientsQueued: row.queued, startedAt: row.started_at, finishedAt: row.finished_at };
  }

  /**
   * Clinics whose download needs a pass (horizon-rules' `fillDue`): the newest revision not queued whole yet (a
   * change, a crash, a restart, a refresh cut off), or its last pass finished at or before `refreshCutoff`.
   */
  async due(limit: number, refreshCutoff: Date): Promise<string[]> {
    const rows: { clinic_id: string }[] = await this.dataSource.query(
      `SELECT h.clinic_id FROM sync_horizons h LEFT JOIN horizon_fills f ON f.clinic_id = h.clinic_id
       WHERE h.filled_revision < h.revision OR (f.revision = h.revision AND (f.finished_at IS NULL OR f.finished_at <= $2))
       ORDER BY h.updated_at LIMIT $1`,
      [limit, refreshCutoff],
    );
    return rows.map((row) => row.clinic_id);
  }

  /** Of `patientIds` (in order), those the clinic does not hold and central has a registration of. */
  async toBring(clinicId: string, patientIds: readonly string[]): Promise<string[]> {
    const rows: { patient_id: string }[] = await this.dataSource.query(
      `SELECT c.patient_id FROM unnest($2::uuid[]) WITH ORDINALITY AS c (patient_id, position)
       WHERE NOT EXISTS (SELECT 1 FROM patient_horizons h WHERE h.clinic_id = $1 AND h.patient_id = c.patient_id)
         AND EXISTS (SELECT 1 FROM patient_registrations r WHERE r.patient_id = c.patient_id AND r.clinic_id <> $1)
       ORDER BY c.position`,
      [clinicId, patientIds],
    );
    return rows.map((row) => row.patient_id);
  }

  /** Patients first registered at `clinicId`, in the order they were. */
  async registeredAt(clinicId: string): Promise<string[]> {
    const rows: { patient_id: string }[] = await this.dataSource.query(
      'SELECT patient_id FROM patient_registrations WHERE clinic_id = $1 ORDER BY log_index', [clinicId]);
    return rows.map((row) => row.patient_id);
  }

  /** Starts the download of `revision` with this many patients, unless it is already under way (a resume). */
  async startFill(clinicId: string, revision: number, patientsTotal: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO horizon_fills (clinic_id, revision, patients_total) VALUES ($1, $2, $3)
       ON CONFLICT (clinic_id) DO UPDATE SET revision = EXCLUDED.revision, patients_total = EXCLUDED.patients_total,
         patient_end_sequences = '{}', started_at = now(), finished_at = NULL
       WHERE horizon_fills.revision <> EXCLUDED.revision`,
      [clinicId, revision, patientsTotal],
    );
  }

  /**
   * A refresh of the finished download of `revision` found `more` patients the calendar brought since: they join
   * its count, and it is under way again. False when it is not finished (another process is on it: leave it).
   */
  async extendFill(clinicId: string, revision: number, more: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE horizon_fills SET patients_total = patients_total + $3, finished_at = NULL
       WHERE clinic_id = $1 AND revision = $2 AND finished_at IS NOT NULL RETURNING 1`,
      [clinicId, revision, more],
    );
    return rows.length > 0;
  }

  /** In the transaction that queued them: the last feed sequence of each patient just queued. */
  async recordQueued(manager: EntityManager, clinicId: string, endSequences: readonly number[]): Promise<void> {
    if (endSequences.length === 0) return;
    await manager.query('UPDATE horizon_fills SET patient_end_sequences = patient_end_sequences || $2::bigint[] WHERE clinic_id = $1', [clinicId, endSequences]);
  }

  /** Every patient of `revision` is queued; false if an admin changed the horizon meanwhile (fill again). */
  async finishFill(clinicId: string, revision: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'UPDATE sync_horizons SET filled_revision = $2 WHERE clinic_id = $1 AND revision = $2 RETURNING 1', [clinicId, revision]);
    // Every pass ends by stamping the time, so a refresh that found nobody new is not due again for an hour.
    await this.dataSource.query('UPDATE horizon_fills SET finished_at = now() WHERE clinic_id = $1 AND revision = $2', [clinicId, revision]);
    // The clinic's waiting long-poll answers with the download's progress, no longer queueing: the device would
    // otherwise say "still queueing" until the poll's wait ran out.
    await this.dataSource.query('SELECT pg_notify($1, $2)', [feedNotificationChannel, clinicId]);
    return rows.length > 0;
  }
}

function horizonFromRow(row: HorizonRow): StoredHorizon {
  return {
    clinicId: row.clinic_id,
    fromClinicIds: row.from_clinic_ids,
    registeredThere: row.registered_there,
    seenWithinDays: row.seen_within_days,
    appointmentsWithinDays: row.appointments_within_days,
    years: { encounters: row.encounters_years, labs: row.labs_years, prescriptions: row.prescriptions_years } as HistoryDepth,
    revision: row.revision,
    filledRevision: row.filled_revision,
    updatedAt: row.updated_at,
  };
}
