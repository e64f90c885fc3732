// Watches the API's PostgreSQL during the peak benchmark, once a second, to say what a slow second waited
// on: how many client backends were active and on which wait events (locks, WAL writes and syncs, I/O, or
// running on CPU), what the checkpointer was doing, and the WAL written. Read over its own connection, from
// the statistics views: it asks nothing of the API.
import pg from 'pg';

export interface DatabaseSample {
  readonly atMs: number;
  /** Active client backends (the observer's own left out). */
  readonly activeBackends: number;
  /** Client backends in a transaction, waiting for the API's next query: time the API spends between queries. */
  readonly idleInTransactionBackends: number;
  /** Active backends by 'WaitEventType:WaitEvent', 'CPU' when on none. */
  readonly waits: Readonly<Record<string, number>>;
  /** The checkpointer's wait event: 'CheckpointerMain' when idle; a write delay, a write or a sync during a checkpoint. */
  readonly checkpointer: string;
  /** Autovacuum workers running, and what they work on. */
  readonly autovacuum: readonly string[];
  readonly checkpointsTimed: number;
  readonly checkpointsRequested: number;
  readonly walBytes: number;
  readonly walFullPageImages: number;
}

const activitySql = `
  SELECT backend_type, state, wait_event_type, wait_event, query
  FROM pg_stat_activity
  WHERE pid <> pg_backend_pid()`;
const countersSql = `
  SELECT c.num_timed, c.num_requested, w.wal_bytes, w.wal_fpi
  FROM pg_stat_checkpointer c, pg_stat_wal w`;
/** Characters of an autovacuum worker's query kept (it names the table). */
const autovacuumQueryCharactersMax = 80;

export class DatabaseObserver {
  readonly samples: DatabaseSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;

  private constructor(private readonly client: pg.Client, private readonly now: () => number) {}

  static async connect(url: string, now: () => number): Promise<DatabaseObserver> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return new DatabaseObserver(client, now);
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.client.end();
  }

  /** One sample at a time: a second that the database is too slow to answer is a gap, not a pile-up. */
  private async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const atMs = this.now();
      const activity = (await this.client.query(activitySql)).rows as {
        backend_type: string; state: string | null; wait_event_type: string | null; wait_event: string | null; query: string;
      }[];
      const [counters] = (await this.client.query(countersSql)).rows as { num_timed: string; num_requested: string; wal_bytes: string; wal_fpi: string }[];
      const active = activity.filter((row) => row.backend_type === 'client backend' && row.state === 'active');
      const waits: Record<string, number> = {};
      for (const row of active) {
        const key = row.wait_event_type === null ? 'CPU' : `${row.wait_event_type}:${row.wait_event}`;
        waits[key] = (waits[key] ?? 0) + 1;
      }
      const checkpointer = activity.find((row) => row.backend_type === 'checkpointer');
      this.samples.push({
        atMs,
        activeBackends: active.length,
        idleInTransactionBackends: activity.filter((row) => row.backend_type === 'client backend' && row.state === 'idle in transaction').length,
        waits,
        checkpointer: checkpointer === undefined ? '?' : `${checkpointer.wait_event_type ?? 'CPU'}:${checkpointer.wait_event ?? ''}`,
        autovacuum: activity.filter((row) => row.backend_type === 'autovacuum worker').map((row) => row.query.slice(0, autovacuumQueryCharactersMax)),
        checkpointsTimed: Number(counters?.num_timed ?? 0),
        checkpointsRequested: Number(counters?.num_requested ?? 0),
        walBytes: Number(counters?.wal_bytes ?? 0),
        walFullPageImages: Number(counters?.wal_fpi ?? 0),
      });
    } catch {
      // A sample lost (the server stopping at the end of the run) is a gap in the timeline, nothing more.
    } finally {
      this.sampling = false;
    }
  }
}
