// Nearest-rank percentiles over a sample, for figures such as failover time: the simulator's, the benchmarks'
// (of the clinic and of central) and, later, the node's own.

/** The nearest-rank `fraction` percentile (0.5 for p50), or null for an empty sample. */
export function percentile(samples: readonly number[], fraction: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
