// Writes and reads a clinic's stored log. Both run inside the caller's transaction (the ingest one, under the
// clinic's lock) or on committed entries only, which never change once stored.
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
    await manager.query(
      `INSERT INTO log_entries (clinic_id, log_index, term, kind, data, change_type, change_node_id)
       SELECT $1, entry.log_index, entry.term, entry.kind,
              CASE WHEN entry.data_length IS NULL THEN NULL ELSE substring($5::bytea FROM entry.data_offset + 1 FOR entry.data_length) END,
              entry.change_type, entry.change_node_id
       FROM unnest($2::bigint[], $3::bigint[], $4::text[], $6::integer[], $7::integer[], $8::text[], $9::text[])
         AS entry (log_index, term, kind, data_offset, data_length, change_type, change_node_id)`,
      [
        clinicId,
        entries.map((entry) => entry.index),
        entries.map((entry) => entry.term),
        entries.map((entry) => entry.kind),
        Buffer.concat(commands, offset),
        offsets,
        lengths,
        entries.map((entry) => (entry.kind === 'membership' ? entry.change.type : null)),
        entries.map((entry) => (entry.kind === 'membership' ? entry.change.nodeId : null)),
      ],
    );
  }

  /** Marks entries as written under a stale lease epoch (lease fencing): they stay in the log and are never exported. */
  async markFenced(manager: EntityManager, clinicId: string, logIndexes: readonly number[]): Promise<void> {
    if (logIndexes.length === 0) return;
    await manager.query('UPDATE log_entries SET fenced = true WHERE clinic_id = $1 AND log_index = ANY($2::bigint[])', [clinicId, logIndexes]);
  }

  /** Entries `fromIndex..toIndex` (inclusive) that are stored, in index order. */
  async readRange(manager: EntityManager, clinicId: string, fromIndex: number, toIndex: number): Promise<StoredEntry[]> {
    const rows: LogEntryRow[] = await manager.query(
      `SELECT log_index, term, kind, data, change_type, change_node_id FROM log_entries
       WHERE clinic_id = $1 AND log_index BETWEEN $2 AND $3 ORDER BY log_index`,
      [clinicId, fromIndex, toIndex],
    );
    return rows.map(toStoredEntry);
  }
}

function toStoredEntry(row: LogEntryRow): StoredEntry {
  const position = { index: safeIntegerFrom(row.log_index), term: safeIntegerFrom(row.term) };
  switch (row.kind) {
    case 'noop':
      return { ...position, kind: 'noop' };
    case 'command':
      return { ...position, kind: 'command', data: row.data! }; // a table CHECK keeps data set for commands
    case 'membership':
      return { ...position, kind: 'membership', change: { type: row.change_type!, nodeId: row.change_node_id! } };
  }
}
