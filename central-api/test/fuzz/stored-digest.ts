// A digest of everything the API stores, table by table: equal digests before and after a refused request
// show it changed nothing. Rows are compared as JSON, sorted, so the digest does not depend on row order.
import type { DataSource } from 'typeorm';

export type StoredDigest = Readonly<Record<string, string>>;

/**
 * Columns written by requests that are refused: a device's last_seen_at records that it called (any
 * authenticated call, refused or not, for ops' "last heard from"). The migrations table is TypeORM's own.
 */
const columnsChangedByAnyCall: Readonly<Record<string, readonly string[]>> = { devices: ['last_seen_at'] };
const tablesNotCompared = new Set(['migrations']);

/** Reads the table names once and returns a function that digests every table in one query. */
export async function storedDigestReader(dataSource: DataSource): Promise<() => Promise<StoredDigest>> {
  const tables: { table_name: string }[] = await dataSource.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const compared = tables.map((row) => row.table_name).filter((table) => !tablesNotCompared.has(table));
  const query = compared
    .map((table) => {
      const dropped = (columnsChangedByAnyCall[table] ?? []).map((column) => ` - '${column}'`).join('');
      return `SELECT '${table}' AS "table", md5(coalesce(string_agg(row, E'\\n' ORDER BY row), '')) AS digest
                FROM (SELECT (to_jsonb(t)${dropped})::text AS row FROM "${table}" t) rows`;
    })
    .join(' UNION ALL ');
  return async () => {
    const rows: { table: string; digest: string }[] = await dataSource.query(query);
    return Object.fromEntries(rows.map((row) => [row.table, row.digest]));
  };
}

/** The tables whose digests differ. */
export function changedTables(before: StoredDigest, after: StoredDigest): string[] {
  return Object.keys({ ...before, ...after }).filter((table) => before[table] !== after[table]).sort();
}
