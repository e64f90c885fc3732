// Writes and reads a clinic's stored log. Both run inside the caller's transaction (the ingest one, under the
// clinic's lock) or on committed entries only, which never change once stored.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { safeIntegerFrom } from './database-numbers.js';
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
  /** One statement for the whole batch (arrays unnested server-side): a round trip per batch, not per entry. */
  async insert(manager: EntityManager, clinicId: string, entries: readonly StoredEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await manager.query(
      `INSERT INTO log_entries (clinic_id, log_index, term, kind, data, change_type, change_node_id)
       SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::bytea[], $6::text[], $7::text[])`,
      [
        clinicId,
        entries.map((entry) => entry.index),
        entries.map((entry) => entry.term),
        entries.map((entry) => entry.kind),
        entries.map((entry) => (entry.kind === 'command' ? entry.data : null)),
        entries.map((entry) => (entry.kind === 'membership' ? entry.change.type : null)),
        entries.map((entry) => (entry.kind === 'membership' ? entry.change.nodeId : null)),
      ],
    );
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
