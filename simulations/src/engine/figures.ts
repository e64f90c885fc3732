// What a scenario's figures class shares: its number fields are counters (summed over seeds in the report)
// and its number-array fields are samples (pooled and reported as percentiles), read by reflection so a new
// figure is one field declaration, not three edits.
export abstract class Figures {
  counters(): Record<string, number> {
    const counters: Record<string, number> = {};
    for (const [name, value] of Object.entries(this)) if (typeof value === 'number') counters[name] = value;
    return counters;
  }

  samples(): Record<string, readonly number[]> {
    const samples: Record<string, readonly number[]> = {};
    for (const [name, value] of Object.entries(this)) if (Array.isArray(value)) samples[name] = value as number[];
    return samples;
  }
}
