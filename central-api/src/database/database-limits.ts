// Bounds on how one API process uses PostgreSQL.
export const databaseLimits = {
  /** Connections one process holds at most; several processes share one server (max_connections 100). */
  poolConnectionsMax: 10,
  /** A request waiting longer than this for a connection fails instead of queueing without end. */
  connectionWaitMs: 5_000,
  /** Connecting at start: PostgreSQL may still be starting beside us. */
  startupConnectAttemptsMax: 3,
  startupConnectRetryDelayMs: 1_000,
  /** The health check's ping; past it the database counts as unreachable. */
  healthPingTimeoutMs: 1_000,
};
