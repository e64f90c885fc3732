// PostgreSQL bigint columns arrive from pg as text. Log indexes, terms and counters stay far below 2^53.
import type { ValueTransformer } from 'typeorm';

export function safeIntegerFrom(value: string | number): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(number)) throw new Error(`database value ${String(value)} is not a safe integer`);
  return number;
}

export const bigintColumn: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : safeIntegerFrom(value)),
};
