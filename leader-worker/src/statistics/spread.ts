// A figure measured over several rounds: its median and its range, because one round on a shared machine is
// not a figure.

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The median (the upper one of an even count) and the range of `values`; at least one value. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('a spread needs at least one value');
  const sorted = [...values].sort((left, right) => left - right);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
}
