// One byte-exact text for a value, whatever order its keys were built in: JSON with object keys sorted by
// code unit, no whitespace, absent (undefined) properties left out. Used for the state hash, conflict value
// comparison and snapshots, so two devices encode equal states identically.
import { assert } from '../invariants/assert.js';

export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      assert(Number.isFinite(value), 'canonical JSON holds finite numbers only');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const record = value as Readonly<Record<string, unknown>>;
      const parts: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const item = record[key];
        if (item !== undefined) parts.push(`${JSON.stringify(key)}:${canonicalJson(item)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      assert(false, `canonical JSON cannot encode a ${typeof value}`);
  }
}

export function canonicallyEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
