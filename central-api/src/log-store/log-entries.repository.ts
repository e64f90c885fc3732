// Writes and reads a clinic's stored log. Both run inside the caller's transaction (the ingest one, under the
// clinic's lock) or on committed entries only, which never change once stored. The INSERT of a batch is also
// given to ingest as SQL (insertEntriesSql), to store a batch in the statement that moves its clinic's index.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { safeIntegerFrom } from '../database/database-numbers.js';
import type { EntryKind, MembershipChangeType, StoredEntry } from './log-entry.js';

interface LogEntryRow {
  readonly log_index: string;
  readonly term: string;
  readonly kind: EntryKind;
  readonly data: Buffer | null;
  readonly change_type: MembershipChangeType | null;
  readonly change_node_id: string | null;
  readonly leader_time_ms: string | null;
}

@Injectable()
export class LogEntriesRepository {
  /**
   * One statement for the whole batch (arrays unnested server-side): a round trip per batch, not per entry.
   * The command bytes travel as one binary parameter, cut by offset and length in SQL: pg sends a Buffer in
   * binary, where a bytea[] would go as hex text, twice the bytes to build, send and parse.
   */
  async insert(manager: EntityManager, clinicId: string, entries: readonly StoredEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await manager.query(insertEntriesSql('$1', 2), [clinicId, ...entryParameters(entries)]);
  }

  /** Marks entries as written under a stale lease epoch (lease fencing): they stay in the log and are never exported. */
  async markFenced(manager: EntityManager, clinicId: string, logIndexes: readonly number[]): Promise<void> {
    if (logIndexes.length === 0) return;
    await manager.query('UPDATE log_entries SET fenced = true WHERE clinic_id = $1 AND log_index = ANY($2::bigint[])', [clinicId, logIndexes]);
  }

  /** Entries `fromIndex..toIndex` (inclusive) that are stored, in index order. */
  async readRange(manager: EntityManager, clinicId: string, fromIndex: number, toIndex: number): Promise<StoredEntry[]> {
    const rows: LogEntryRow[] = await manager.query(
      `SELECT log_index, term, kind, data, change_type, change_node_id, leader_time_ms FROM log_entries
       WHERE clinic_id = $1 AND log_index BETWEEN $2 AND $3 ORDER BY log_index`,
      [clinicId, fromIndex, toIndex],
    );
    return rows.map(toStoredEntry);
  }
}

function toStoredEntry(row: LogEntryRow): StoredEntry {
  const index = safeIntegerFrom(row.log_index);
  const term = safeIntegerFrom(row.term);
  const position = row.leader_time_ms === null ? { index, term } : { index, term, leaderTimeMs: safeIntegerFrom(row.leader_time_ms) };
  switch (row.kind) {
    case 'noop':
      return { ...position, kind: 'noop' };
    case 'command':
      return { ...position, kind: 'command', data: row.data! }; // a table CHECK keeps data set for commands
    case 'membership':
      return { ...position, kind: 'membership', change: { type: row.change_type!, nodeId: row.change_node_id! } };
  }
}

/**
 * The INSERT of a batch's entries, for a statement of its own or a CTE of a larger one: `clinicId` is an SQL
 * expression (a parameter, or a column of a table in `from`), and the batch is entryParameters(entries) as the
 * parameters numbered from `firstParameter`. The arrays are unnested server-side; the command bytes travel as
 * one binary parameter, cut by offset and length in SQL.
 */
export function insertEntriesSql(clinicId: string, firstParameter: number, from = ''): string {
  const [indexes, terms, kinds, bytes, offsets, lengths, changeTypes, changeNodes, leaderTimes] = Array.from({ length: entryParameterCount }, (_, position) => `$${firstParameter + position}`);
  return `INSERT INTO log_entries (clinic_id, log_index, term, kind, data, change_type, change_node_id, leader_time_ms)
       SELECT ${clinicId}, entry.log_index, entry.term, entry.kind,
              CASE WHEN entry.data_length IS NULL THEN NULL ELSE substring(${bytes}::bytea FROM entry.data_offset + 1 FOR entry.data_length) END,
              entry.change_type, entry.change_node_id, entry.leader_time_ms
       FROM ${from}unnest(${indexes}::bigint[], ${terms}::bigint[], ${kinds}::text[], ${offsets}::integer[], ${lengths}::integer[], ${changeTypes}::text[], ${changeNodes}::text[], ${leaderTimes}::bigint[])
         AS entry (log_index, term, kind, data_offset, data_length, change_type, change_node_id, leader_time_ms)`;
}

const entryParameterCount = 9;

/** The parameters of insertEntriesSql, in its order: positions, kinds, the command bytes with each one's offset and length, membership changes. */
export function entryParameters(entries: readonly StoredEntry[]): unknown[] {
  const offsets: (number | null)[] = [];
  const lengths: (number | null)[] = [];
  const commands: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    if (entry.kind !== 'command') {
      offsets.push(null);
      lengths.push(null);
      continue;
    }
    offsets.push(offset);
    lengths.push(entry.data.length);
    commands.push(entry.data);
    offset += entry.data.length;
  }
  return [
    entries.map((entry) => entry.index),
    entries.map((entry) => entry.term),
    entries.map((entry) => entry.kind),
    Buffer.concat(commands, offset),
    offsets,
    lengths,
    entries.map((entry) => (entry.kind === 'membership' ? entry.change.type : null)),
    entries.map((entry) => (entry.kind === 'membership' ? entry.change.nodeId : null)),
    entries.map((entry) => entry.leaderTimeMs ?? null),
  ];
}
