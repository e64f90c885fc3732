// The Prometheus metrics of this process: HTTP requests by route and status, Node's process metrics, and
// the gauges other parts add (the database pool's).
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const prometheusContentType = Registry.PROMETHEUS_CONTENT_TYPE;

/** Seconds; from a cache hit to a slow batch. The histogram's _count is the request count. */
const durationBucketsSeconds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

@Injectable()
export class MetricsService {
  /** Per app, not prom-client's global one: tests run several apps in one process. */
  private readonly registry = new Registry();
  private readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests answered, by method, route pattern and status, and how long each took',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: durationBucketsSeconds,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** `route` is the matched pattern (/api/clinics/:clinicId), never the raw path: label values stay few. */
  observeRequest(method: string, route: string, status: number, durationSeconds: number): void {
    this.requestDuration.observe({ method, route, status: String(status) }, durationSeconds);
  }

  /** A gauge whose values are read when the metrics are: `collect` sets them, by label. */
  addGauge(name: string, help: string, labelNames: readonly string[], collect: (set: (labels: Record<string, string>, value: number) => void) => void): void {
    const gauge: Gauge = new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect: () => collect((labels, value) => gauge.set(labels, value)),
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
