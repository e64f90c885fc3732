// Helpers shared by the lease specs: moving a chart's leases into the past with SQL (instead of sleeping
// through a lease's duration), and checking that no two of a chart's leases were ever held at once.
import type { DataSource } from 'typeorm';

/** Every lease of the patient moves a day back in time: the current one has now expired. */
export async function expireLeasesOf(dataSource: DataSource, patientId: string): Promise<void> {
  await dataSource.query(
    `UPDATE chart_leases SET granted_at = granted_at - interval '1 day', expires_at = expires_at - interval '1 day',
       released_at = released_at - interval '1 day' WHERE patient_id = $1`,
    [patientId],
  );
}

/** Pairs of the patient's leases whose held periods [granted, min(expiry, release)) overlap: must be 0. */
export async function overlappingLeasePairs(dataSource: DataSource, patientId: string): Promise<number> {
  const [row] = await dataSource.query(
    `WITH held AS (
       SELECT id, tstzrange(granted_at, least(expires_at, coalesce(released_at, expires_at))) AS period
       FROM chart_leases WHERE patient_id = $1
     )
     SELECT count(*)::int AS pairs FROM held a JOIN held b ON a.id < b.id AND a.period && b.period`,
    [patientId],
  );
  return (row as { pairs: number }).pairs;
}
