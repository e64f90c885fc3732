// The peak benchmark's progress lines while the load runs: what was answered since the last line, how fast,
// the API's memory, and the sockets open, so a run that falls behind shows it as it happens. It also keeps
// the API's RSS at each line of the measured window, to show whether memory stays flat.
import { performance } from 'node:perf_hooks';
import type { HttpLoadClient } from './http-load-client.js';
import { type LatencyRecorder, summarize } from './latency-recorder.js';
import { peakLimits } from './peak-settings.js';
import { residentMegabytes } from './process-usage.js';

export interface ProgressPhases {
  readonly startMs: number;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
}

const millisecondsPerSecond = 1000;

export class PeakProgress {
  private position = 0;
  private readonly timer: NodeJS.Timeout;
  /** The API's RSS at each line inside the measured window. */
  readonly residentSamplesMb: number[] = [];

  constructor(
    private readonly everything: LatencyRecorder,
    private readonly apiPid: number,
    private readonly client: HttpLoadClient,
    private readonly phases: ProgressPhases,
    private readonly log: (line: string) => void,
  ) {
    this.timer = setInterval(() => this.line(), peakLimits.progressIntervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private line(): void {
    const { startMs, windowStartMs, windowEndMs } = this.phases;
    const now = performance.now();
    const recent = summarize(this.everything.since(this.position));
    this.position = this.everything.count;
    const resident = residentMegabytes(this.apiPid);
    const measuring = now >= windowStartMs && now < windowEndMs;
    if (measuring && resident !== undefined) this.residentSamplesMb.push(resident);
    this.log(
      `${((now - startMs) / millisecondsPerSecond).toFixed(0)} s (${now < windowStartMs ? 'warm-up' : measuring ? 'measured' : 'draining'}): ` +
        `${recent.requests} answers in the last ${peakLimits.progressIntervalMs / millisecondsPerSecond} s, p50 ${recent.p50Ms} ms, p99 ${recent.p99Ms} ms, ` +
        `errors ${recent.errors}; API RSS ${resident?.toFixed(0) ?? '?'} MB; ${this.client.openSockets()} sockets open`,
    );
  }
}
