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

  /** The clinic's last sequence (0 for an empty feed), or undefined when the clinic does not exist. */
  async lastSequence(clinicId: string): Promise<number | undefined> {
    const rows: { last_sequence: string }[] = await this.dataSource.query(
      'SELECT coalesce(h.last_sequence, 0) AS last_sequence FROM clinics c LEFT JOIN feed_heads h ON h.clinic_id = c.id WHERE c.id = $1',
      [clinicId],
    );
    return rows[0] === undefined ? undefined : Number(rows[0].last_sequence);
  }

  /**
   * The clinic's last sequence and, in sequence order, at most `limit` items after `afterSequence`, in one
   * query (a poll is one round trip); undefined when the clinic does not exist.
   */
  async pageAfter(clinicId: string, afterSequence: number, limit: number): Promise<{ lastSequence: number; items: FeedItemEntity[] } | undefined> {
    const rows: ({ last_sequence: string } & Partial<FeedItemRow>)[] = await this.dataSource.query(
      `SELECT coalesce(h.last_sequence, 0) AS last_sequence, i.*
       FROM clinics c
       LEFT JOIN feed_heads h ON h.clinic_id = c.id
       LEFT JOIN LATERAL (SELECT * FROM feed_items WHERE clinic_id = c.id AND sequence > $2 ORDER BY sequence LIMIT $3) i ON true
       WHERE c.id = $1
       ORDER BY i.sequence`,
      [clinicId, afterSequence, limit],
    );
    if (rows[0] === undefined) return undefined;
    const items = rows.flatMap((row) => (row.sequence === undefined || row.sequence === null ? [] : [itemFromRow(row as FeedItemRow)]));
    return { lastSequence: Number(rows[0].last_sequence), items };
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
