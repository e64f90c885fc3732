// Appends to and reads clinics' downstream feeds. An append locks the clinic's head row in `feed_heads`
// (created if missing, then SELECT ... FOR UPDATE), takes the next sequence, inserts the item and NOTIFYs
// in the same transaction: appends to one clinic's feed commit one at a time, in sequence order, so a reader
// never sees item n + 1 before item n, and the notification goes out only once the item is visible.
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, MoreThan, type Repository } from 'typeorm';
import type { ChartError, EnvelopeBuilder } from '../../../leader-worker/src/chart/index.js';
import { FeedItemEntity } from './feed-item.entity.js';
import { type FeedKind, feedNotificationChannel } from './feed-limits.js';
import type { HorizonProgress } from '../../../leader-worker/src/uplink/central-protocol.js';

export type AppendOutcome =
  | { readonly kind: 'appended'; readonly item: FeedItemEntity }
  /** The producer sent this subject before with the same command: its item, unchanged. */
  | { readonly kind: 'already-appended'; readonly item: FeedItemEntity }
  /** The subject id was used before for a different command. */
  | { readonly kind: 'subject-conflict'; readonly item: FeedItemEntity }
  | { readonly kind: 'invalid'; readonly error: ChartError }
  | { readonly kind: 'clinic-not-found' };

interface FeedItemRow {
  readonly clinic_id: string;
  readonly sequence: string;
  readonly kind: FeedKind;
  readonly subject_id: string;
  readonly payload: unknown;
  readonly created_at: Date;
}

/** Undoes the transaction (the head row it may have created) and carries the outcome out of it. */
class RollBack extends Error {
  constructor(readonly outcome: AppendOutcome) {
    super('rolled back');
  }
}

@Injectable()
export class FeedRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(FeedItemEntity) private readonly items: Repository<FeedItemEntity>,
  ) {}

  async append(clinicId: string, kind: FeedKind, subjectId: string, build: EnvelopeBuilder): Promise<AppendOutcome> {
    try {
      return await this.dataSource.transaction((manager) => appendLocked(manager, clinicId, kind, subjectId, build));
    } catch (error) {
      if (error instanceof RollBack) return error.outcome;
      throw error;
    }
  }

  /**
   * Appends inside the caller's transaction (the chart copy's projection exporting a clinic's writes). An item
   * the clinics' validator refuses is not appended (at most the target's empty feed head is created): the
   * caller's transaction goes on.
   * Take target clinics in one order (by id) across callers, as each append locks the target's feed head.
   */
  async appendWithin(manager: EntityManager, clinicId: string, kind: FeedKind, subjectId: string, build: EnvelopeBuilder): Promise<AppendOutcome> {
    try {
      return await appendLocked(manager, clinicId, kind, subjectId, build);
    } catch (error) {
      // An item the validator refuses: at most the target's head row was written (kept: harmless), no SQL
      // failed, so the caller's transaction is sound.
      if (error instanceof RollBack) return error.outcome;
      throw error;
    }
  }

  /**
   * Appends many items of one kind to one clinic's feed inside the caller's transaction, in the order given,
   * under one lock of its head (a sync horizon's download: thousands of items). A subject already in the feed
   * is not appended again (callers derive subjects from what the item is, so it is the same item); an item
   * the clinics' validator refuses is left out and reported. Answers, per item given, its sequence (new or
   * earlier), or the validator's error.
   */
  async appendManyWithin(
    manager: EntityManager, clinicId: string, kind: FeedKind, items: readonly { readonly subjectId: string; readonly build: EnvelopeBuilder }[],
  ): Promise<({ readonly sequence: number } | { readonly error: ChartError })[]> {
    if (items.length === 0) return [];
    await manager.query('INSERT INTO feed_heads (clinic_id) VALUES ($1) ON CONFLICT DO NOTHING', [clinicId]);
    const heads: { last_sequence: string }[] = await manager.query('SELECT last_sequence FROM feed_heads WHERE clinic_id = $1 FOR UPDATE', [clinicId]);
    let lastSequence = Number(heads[0]?.last_sequence);
    const [{ now }] = (await manager.query('SELECT clock_timestamp() AS now')) as [{ now: Date }];
    const existing: { subject_id: string; sequence: string }[] = await manager.query(
      'SELECT subject_id, sequence FROM feed_items WHERE clinic_id = $1 AND kind = $2 AND subject_id = ANY($3::uuid[])',
      [clinicId, kind, [...new Set(items.map((item) => item.subjectId))]],
    );
    const sequenceOf = new Map(existing.map((row) => [row.subject_id, Number(row.sequence)]));
    const inserted = { sequences: [] as number[], subjects: [] as string[], payloads: [] as string[] };
    const answers = items.map(({ subjectId, build }) => {
      const known = sequenceOf.get(subjectId);
      if (known !== undefined) return { sequence: known };
      const envelope = build(lastSequence + 1, now.getTime());
      if (!envelope.ok) return { error: envelope.error };
      lastSequence++;
      sequenceOf.set(subjectId, lastSequence);
      inserted.sequences.push(lastSequence);
      inserted.subjects.push(subjectId);
      inserted.payloads.push(JSON.stringify(envelope.value));
      return { sequence: lastSequence };
    });
    if (inserted.sequences.length > 0) {
      await manager.query(
        `INSERT INTO feed_items (clinic_id, sequence, kind, subject_id, payload, created_at)
         SELECT $1, sequence, $2, subject_id, payload::jsonb, $6 FROM unnest($3::bigint[], $4::uuid[], $5::text[]) AS item (sequence, subject_id, payload)`,
        [clinicId, kind, inserted.sequences, inserted.subjects, inserted.payloads, now],
      );
      await manager.query('UPDATE feed_heads SET last_sequence = $2 WHERE clinic_id = $1', [clinicId, lastSequence]);
      await manager.query('SELECT pg_notify($1, $2)', [feedNotificationChannel, clinicId]);
    }
    return answers;
  }

  /**
   * The clinic's horizon download as of `afterSequence` (what its log decided), or undefined before its first.
   * Counted in the database: the array holds one sequence per patient (10,000 for a large horizon).
   */
  async horizonProgress(clinicId: string, afterSequence: number, pageEndSequence: number): Promise<HorizonProgress | undefined> {
    const rows: HorizonProgressRow[] = await this.dataSource.query(`${horizonProgressSelect('$3')} WHERE f.clinic_id = $1`, [clinicId, afterSequence, pageEndSequence]);
    return rows[0] === undefined ? undefined : horizonProgressFromRow(rows[0]);
  }

  /** The clinic's last sequence (0 for an empty feed), or undefined when the clinic does not exist. */
  async lastSequence(clinicId: string): Promise<number | undefined> {
    const rows: { last_sequence: string }[] = await this.dataSource.query(
      'SELECT coalesce(h.last_sequence, 0) AS last_sequence FROM clinics c LEFT JOIN feed_heads h ON h.clinic_id = c.id WHERE c.id = $1',
      [clinicId],
    );
    return rows[0] === undefined ? undefined : Number(rows[0].last_sequence);
  }

  /**
   * The clinic's last sequence, in sequence order at most `limit` items after `afterSequence`, and its horizon
   * download's progress as of `afterSequence`, in one query (a poll is one round trip); undefined when the
   * clinic does not exist.
   */
  async pageAfter(clinicId: string, afterSequence: number, limit: number): Promise<FeedPageRead | undefined> {
    const rows: ({ last_sequence: string } & Partial<HorizonProgressRow> & Partial<FeedItemRow>)[] = await this.dataSource.query(
      `SELECT coalesce(h.last_sequence, 0) AS last_sequence, hz.*, i.*
       FROM clinics c
       LEFT JOIN feed_heads h ON h.clinic_id = c.id
       LEFT JOIN LATERAL (${horizonProgressSelect(pageEndOfPageAfter)} WHERE f.clinic_id = c.id) hz ON true
       LEFT JOIN LATERAL (SELECT * FROM feed_items WHERE clinic_id = c.id AND sequence > $2 ORDER BY sequence LIMIT $3) i ON true
       WHERE c.id = $1
       ORDER BY i.sequence`,
      [clinicId, afterSequence, limit],
    );
    const first = rows[0];
    if (first === undefined) return undefined;
    const items = rows.flatMap((row) => (row.sequence === undefined || row.sequence === null ? [] : [itemFromRow(row as FeedItemRow)]));
    const horizon = horizonProgressFromRow(first);
    return horizon === undefined ? { lastSequence: Number(first.last_sequence), items } : { lastSequence: Number(first.last_sequence), items, horizon };
  }

  /** In sequence order, at most `limit`. */
  itemsAfter(clinicId: string, afterSequence: number, limit: number): Promise<FeedItemEntity[]> {
    return this.items.find({ where: { clinicId, sequence: MoreThan(afterSequence) }, order: { sequence: 'ASC' }, take: limit });
  }
}

async function appendLocked(manager: EntityManager, clinicId: string, kind: FeedKind, subjectId: string, build: EnvelopeBuilder): Promise<AppendOutcome> {
  const clinics: unknown[] = await manager.query('SELECT 1 FROM clinics WHERE id = $1', [clinicId]);
  if (clinics.length === 0) return { kind: 'clinic-not-found' };
  await manager.query('INSERT INTO feed_heads (clinic_id) VALUES ($1) ON CONFLICT DO NOTHING', [clinicId]);
  const heads: { last_sequence: string }[] = await manager.query('SELECT last_sequence FROM feed_heads WHERE clinic_id = $1 FOR UPDATE', [clinicId]);
  const lastSequence = Number(heads[0]?.last_sequence);
  const [{ now }] = (await manager.query('SELECT clock_timestamp() AS now')) as [{ now: Date }];
  const envelope = build(lastSequence + 1, now.getTime());
  if (!envelope.ok) throw new RollBack({ kind: 'invalid', error: envelope.error });

  const existing: (FeedItemRow & { same: boolean })[] = await manager.query(
    `SELECT *, payload -> 'command' = $4::jsonb AS same FROM feed_items WHERE clinic_id = $1 AND kind = $2 AND subject_id = $3`,
    [clinicId, kind, subjectId, JSON.stringify(envelope.value.command)],
  );
  const previous = existing[0];
  if (previous !== undefined) return { kind: previous.same ? 'already-appended' : 'subject-conflict', item: itemFromRow(previous) };

  const inserted: FeedItemRow[] = await manager.query(
    `INSERT INTO feed_items (clinic_id, sequence, kind, subject_id, payload, created_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING *`,
    [clinicId, lastSequence + 1, kind, subjectId, JSON.stringify(envelope.value), now],
  );
  await manager.query('UPDATE feed_heads SET last_sequence = $2 WHERE clinic_id = $1', [clinicId, lastSequence + 1]);
  await manager.query('SELECT pg_notify($1, $2)', [feedNotificationChannel, clinicId]);
  return { kind: 'appended', item: itemFromRow(inserted[0]!) };
}

function itemFromRow(row: FeedItemRow): FeedItemEntity {
  return Object.assign(new FeedItemEntity(), {
    clinicId: row.clinic_id,
    sequence: Number(row.sequence),
    kind: row.kind,
    subjectId: row.subject_id,
    payload: row.payload,
    createdAt: row.created_at,
  });
}

export interface FeedPageRead {
  readonly lastSequence: number;
  readonly items: FeedItemEntity[];
  /** Absent while the clinic has no horizon download. */
  readonly horizon?: HorizonProgress;
}

/**
 * A clinic's horizon download as of the feed position `$2` and as of `pageEnd` (an SQL expression: the last
 * sequence of the page answered): a patient is received once its last item is.
 */
function horizonProgressSelect(pageEnd: string): string {
  return `SELECT f.revision AS horizon_revision, f.patients_total AS horizon_patients_total,
         f.finished_at IS NULL AS horizon_queueing,
         (SELECT count(*) FROM unnest(f.patient_end_sequences) AS ending WHERE ending <= $2) AS horizon_received,
         (SELECT count(*) FROM unnest(f.patient_end_sequences) AS ending WHERE ending <= ${pageEnd}) AS horizon_received_with_page
       FROM horizon_fills f`;
}

/** The last sequence of pageAfter's page ($2 after, $3 limit): a clinic's sequences have no gaps, so no item need be read for it. */
const pageEndOfPageAfter = 'least($2 + $3, coalesce(h.last_sequence, 0))';

interface HorizonProgressRow {
  horizon_revision: number | null;
  horizon_patients_total: number | null;
  horizon_queueing: boolean | null;
  horizon_received: string | null;
  horizon_received_with_page: string | null;
}

function horizonProgressFromRow(row: Partial<HorizonProgressRow>): HorizonProgress | undefined {
  if (row.horizon_revision === undefined || row.horizon_revision === null) return undefined;
  return {
    revision: row.horizon_revision, patientsTotal: Number(row.horizon_patients_total),
    patientsReceived: Number(row.horizon_received), patientsReceivedWithPage: Number(row.horizon_received_with_page), queueing: row.horizon_queueing === true,
  };
}
