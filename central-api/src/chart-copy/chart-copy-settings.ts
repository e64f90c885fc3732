// Named bounds of central's chart copy. One object, injected, so tests can shrink the snapshot interval.
export interface ChartCopySettings {
  /**
   * Clinics whose chart state machine one API process keeps in memory, least recently used dropped first.
   * A dropped clinic is rebuilt from its latest snapshot and the stored log after it on next use.
   */
  readonly clinicsCachedMax: number;
  /**
   * Entries applied between two stored snapshots of a clinic's copy: one per patient of the clinic, within
   * these bounds. A snapshot costs about what its patients do to encode and to restore (about 90 MB and a second
   * or two at 50,000 patients), a replay about 35 µs an entry; one entry per patient keeps the two in balance,
   * so a process meeting a clinic cold (thousands of clinics share one process's cache) restores the latest
   * snapshot and replays no more than it took to restore it. A small clinic is snapshotted every thousand
   * entries (kilobytes), a clinic of 50,000 patients every 50,000.
   */
  readonly snapshotIntervalEntriesMin: number;
  readonly snapshotIntervalEntriesMax: number;
  /** Snapshots kept per clinic (the newest); older ones are deleted when a new one is stored. */
  readonly snapshotsKeptPerClinic: number;
  /** Stored entries read per query while a copy catches up, so a long replay never loads the whole log at once. */
  readonly catchUpPageEntries: number;
  /** Requests of one clinic queued for its copy in one process; past it they are refused with 429. */
  readonly queuedPerClinicMax: number;
  /**
   * After an upload that left the copy trailing by projectionBatchEntries or more, the copy catches up once the
   * clinic's uploads have paused this long: a leader uploading a backlog back to back is acknowledged at the
   * speed of storing, and the copy then applies it in one go.
   */
  readonly projectionQuietMs: number;
  /**
   * Entries worth a catch-up of their own. A clinic at its busiest uploads a few dozen entries every ten
   * seconds; catching its copy up after each would, across thousands of clinics, mostly reload machines the
   * cache dropped. Smaller lags wait for projectionIdleMs without uploads (or for a read, which always
   * catches up first): lease fencing and the export to other clinics follow within minutes.
   */
  readonly projectionBatchEntries: number;
  /** A copy trailing by fewer than projectionBatchEntries catches up once its clinic stopped uploading this long. */
  readonly projectionIdleMs: number;
  /**
   * The share of a process's time the background catch-ups may take (they run one at a time and rest between):
   * the requests come first. At 2,000 clinics' peak the requests alone take about 0.6 of a core.
   */
  readonly backgroundProjectionShareMax: number;
  /**
   * How often a process looks for copies left behind (a catch-up that failed, timers lost with a restart, a
   * clinic that went quiet before its catch-up was due) and queues their catch-up; the first look is this long
   * after start. Lease fencing and the export to other clinics wait for the catch-up, so none is left behind.
   */
  readonly trailingSweepIntervalMs: number;
  /** Clinics one sweep queues at most (the most behind first); the next sweep takes the rest. */
  readonly trailingSweepClinicsMax: number;
  /**
   * How far (entries) the copy may trail the acknowledged log before an upload waits for it to catch up. Bounds
   * what a read may have to apply first (about a second at this size) and the work a crash leaves behind.
   */
  readonly projectionLagEntriesMax: number;
  /** Entries one projection transaction applies and records at most; a longer catch-up takes several. */
  readonly projectionEntriesPerTransactionMax: number;
  /**
   * Entries uploads of this process stored and its copies have not applied yet, kept in memory (all clinics
   * together) so the projection need not read them back: about 20 MB at 400 bytes an entry.
   */
  readonly storedTailEntriesMax: number;
}

export const defaultChartCopySettings: ChartCopySettings = {
  clinicsCachedMax: 64,
  snapshotIntervalEntriesMin: 1_000,
  snapshotIntervalEntriesMax: 50_000,
  snapshotsKeptPerClinic: 2,
  catchUpPageEntries: 5_000,
  queuedPerClinicMax: 64,
  projectionQuietMs: 200,
  projectionBatchEntries: 1_000,
  projectionIdleMs: 60_000,
  backgroundProjectionShareMax: 0.25,
  trailingSweepIntervalMs: 300_000,
  trailingSweepClinicsMax: 500,
  projectionLagEntriesMax: 20_000,
  projectionEntriesPerTransactionMax: 10_000,
  storedTailEntriesMax: 50_000,
};

export const chartCopySettingsToken = Symbol('ChartCopySettings');
