// Bounds on figures a run must keep. Safety and liveness checks pass a clinic that works ten times slower
// than it should; these fail it. Each bound names a sample of the run's figures, a percentile and its
// largest allowed value, and is judged only over enough samples to mean something. Scenarios keep their
// bounds with their fault profiles, chosen from measured figures with a margin.
import { percentile } from '../../../leader-worker/src/statistics/percentile.js';
import { check } from './violation.js';

export interface SampleBound {
  /** The name of a sample in the run's figures (acknowledgeLatencyHealthyMs, failoverTicks, ...). */
  readonly sample: string;
  /** 0.5 for the median, 1 for the largest value. */
  readonly percentile: number;
  /** The largest value the percentile may take, in the sample's unit. */
  readonly max: number;
  /** Fewer samples than this in a run and the bound is not judged. */
  readonly samplesMin: number;
}

/** Fewer acknowledgements on healthy connections than this in a seed and its latency percentiles are not judged. */
export const latencySamplesMin = 50;

/** Acknowledgement latency on a device connected to a healthy leader all along (both scenarios): median and p99 per seed. */
export function acknowledgeLatencyBounds(p50MsMax: number, p99MsMax: number): SampleBound[] {
  return [
    { sample: 'acknowledgeLatencyHealthyMs', percentile: 0.5, max: p50MsMax, samplesMin: latencySamplesMin },
    { sample: 'acknowledgeLatencyHealthyMs', percentile: 0.99, max: p99MsMax, samplesMin: latencySamplesMin },
  ];
}

/** The longest failover of a seed (both scenarios time one only while some device could win an election). */
export function failoverBound(ticksMax: number): SampleBound {
  return { sample: 'failoverTicks', percentile: 1, max: ticksMax, samplesMin: 1 };
}

/** Fails the run ('figure-bound') at the first bound its samples break. */
export function checkSampleBounds(samples: Readonly<Record<string, readonly number[]>>, bounds: readonly SampleBound[]): void {
  for (const bound of bounds) {
    const values = samples[bound.sample];
    check(values !== undefined, 'figure-bound', () => `no sample named ${bound.sample} to bound`);
    if (values.length < bound.samplesMin) continue;
    const value = percentile(values, bound.percentile)!;
    check(value <= bound.max, 'figure-bound',
      () => `${bound.sample} ${describePercentile(bound.percentile)} is ${value} over ${values.length} samples, above its bound of ${bound.max}`);
  }
}

function describePercentile(fraction: number): string {
  return fraction === 1 ? 'max' : `p${Math.round(fraction * 100)}`;
}
