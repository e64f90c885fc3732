// The API's own view of the load, from its Prometheus metrics (GET /metrics): how long its handlers took per
// route (from the request's arrival in Express to the answer), and its event-loop lag. Beside the generator's
// latencies these say where time went: in the handlers, or queued before them.
import type { HttpLoadClient } from './http-load-client.js';

export interface RouteTotals {
  readonly requests: number;
  readonly seconds: number;
}

export interface ApiMetricsReading {
  /** By 'METHOD route', summed over statuses. */
  readonly routes: ReadonlyMap<string, RouteTotals>;
  /**
   * prom-client's event-loop delay p99 since the previous reading (its monitor restarts on every read),
   * its 10 ms sampling interval included.
   */
  readonly eventLoopLagP99Seconds: number | undefined;
  /** The database pool at the reading: connections checked out, and queries waiting for one. */
  readonly poolBusyConnections: number | undefined;
  readonly poolWaitingRequests: number | undefined;
}

const durationSeries = /^http_request_duration_seconds_(sum|count)\{([^}]*)\} (\S+)$/;
const eventLoopLagSeries = /^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? (\S+)$/;
const poolBusySeries = /^db_pool_connections\{state="busy"\} (\S+)$/;
const poolWaitingSeries = /^db_pool_waiting_requests (\S+)$/;
const label = (labels: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels)?.[1] ?? '?';

export async function readApiMetrics(client: HttpLoadClient): Promise<ApiMetricsReading | undefined> {
  const answer = await client.send('GET', '/metrics', undefined).catch(() => undefined);
  if (answer === undefined || answer.status !== 200) return undefined;
  const routes = new Map<string, { requests: number; seconds: number }>();
  let eventLoopLagP99Seconds: number | undefined;
  let poolBusyConnections: number | undefined;
  let poolWaitingRequests: number | undefined;
  for (const line of answer.text.split('\n')) {
    const duration = durationSeries.exec(line);
    if (duration !== null) {
      const key = `${label(duration[2]!, 'method')} ${label(duration[2]!, 'route')}`;
      const totals = routes.get(key) ?? { requests: 0, seconds: 0 };
      if (duration[1] === 'count') totals.requests += Number(duration[3]);
      else totals.seconds += Number(duration[3]);
      routes.set(key, totals);
      continue;
    }
    const lag = eventLoopLagSeries.exec(line);
    if (lag !== null) eventLoopLagP99Seconds = Number(lag[1]);
    const busy = poolBusySeries.exec(line);
    if (busy !== null) poolBusyConnections = Number(busy[1]);
    const waiting = poolWaitingSeries.exec(line);
    if (waiting !== null) poolWaitingRequests = Number(waiting[1]);
  }
  return { routes, eventLoopLagP99Seconds, poolBusyConnections, poolWaitingRequests };
}

/** Mean handler time per route between two readings, in ms, for routes that answered in between. */
export function meanHandlerMs(before: ApiMetricsReading, after: ApiMetricsReading): Record<string, { requests: number; meanMs: number }> {
  const means: Record<string, { requests: number; meanMs: number }> = {};
  for (const [route, totals] of after.routes) {
    const earlier = before.routes.get(route) ?? { requests: 0, seconds: 0 };
    const requests = totals.requests - earlier.requests;
    if (requests > 0 && route !== 'GET /metrics') means[route] = { requests, meanMs: Math.round(((totals.seconds - earlier.seconds) * 1000 * 10) / requests) / 10 };
  }
  return means;
}
