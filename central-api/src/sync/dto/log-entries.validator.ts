// Validation of the `entries` of an upload, as one class-validator rule. Hand-written rather than a nested DTO
// per entry: an upload carries up to a thousand entries, and class-validator's per-object machinery cost
// about 8 µs an entry (a fifth of the whole ingest budget) where this costs well under one. It enforces what
// the global ValidationPipe would: known fields only, types, bounds, with a message naming the entry.
import { registerDecorator, type ValidationOptions } from 'class-validator';
import { entryKinds, membershipChangeTypes } from '../../log-store/log-entry.js';
import { ingestLimits } from '../sync-limits.js';

const fieldsByKind: Record<string, ReadonlySet<string>> = {
  noop: new Set(['index', 'term', 'kind', 'leaderTimeMs']),
  command: new Set(['index', 'term', 'kind', 'leaderTimeMs', 'data']),
  membership: new Set(['index', 'term', 'kind', 'leaderTimeMs', 'change']),
};
const changeFields = new Set(['type', 'nodeId']);
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const controlCharacters = /[\u0000-\u001f\u007f]/;

/** The first problem with an upload's entries, or null when every entry is well formed. */
export function logEntriesProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return 'entries must be an array';
  if (value.length === 0) return 'entries must contain at least one entry';
  for (let position = 0; position < value.length; position++) {
    const problem = entryProblem(value[position]);
    if (problem !== null) return `entries[${position}].${problem}`;
  }
  return null;
}

function entryProblem(entry: unknown): string | null {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'must be an object';
  const fields = entry as Record<string, unknown>;
  const kind = fields['kind'];
  if (typeof kind !== 'string' || !(entryKinds as readonly string[]).includes(kind)) return `kind must be one of: ${entryKinds.join(', ')}`;
  const allowed = fieldsByKind[kind]!;
  for (const key of Object.keys(fields)) {
    if (!allowed.has(key)) return `${key} should not exist on a ${kind} entry`;
  }
  if (!isPositiveSafeInteger(fields['index'])) return 'index must be a positive integer';
  if (!isPositiveSafeInteger(fields['term'])) return 'term must be a positive integer';
  const leaderTimeMs = fields['leaderTimeMs'];
  if (leaderTimeMs !== undefined && !(typeof leaderTimeMs === 'number' && Number.isSafeInteger(leaderTimeMs) && leaderTimeMs >= 0)) {
    return 'leaderTimeMs must be a non-negative integer (ms since the epoch)';
  }
  if (kind === 'command') return dataProblem(fields['data']);
  if (kind === 'membership') return changeProblem(fields['change']);
  return null;
}

function dataProblem(data: unknown): string | null {
  if (typeof data !== 'string') return 'data must be a base64 string (the command bytes)';
  // Canonical base64 only (padded, standard alphabet): then equal bytes are equal strings, and nothing is ignored.
  if (data.length % 4 !== 0 || !base64Pattern.test(data)) return 'data must be base64 (standard alphabet, padded)';
  const bytes = (data.length / 4) * 3 - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
  if (bytes > ingestLimits.entryDataBytesMax) return `data must be at most ${ingestLimits.entryDataBytesMax} bytes, not ${bytes}`;
  return null;
}

function changeProblem(change: unknown): string | null {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) return 'change must be an object { type, nodeId }';
  const fields = change as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!changeFields.has(key)) return `change.${key} should not exist`;
  }
  const type = fields['type'];
  if (typeof type !== 'string' || !(membershipChangeTypes as readonly string[]).includes(type)) {
    return `change.type must be one of: ${membershipChangeTypes.join(', ')}`;
  }
  const nodeId = fields['nodeId'];
  if (typeof nodeId !== 'string' || nodeId.length === 0 || nodeId.length > ingestLimits.nodeIdCharactersMax || controlCharacters.test(nodeId)) {
    return `change.nodeId must be a string of 1 to ${ingestLimits.nodeIdCharactersMax} characters without control characters`;
  }
  return null;
}

function isPositiveSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

/** The property holds well-formed log entries (see logEntriesProblem); the message names the first bad one. */
export function IsLogEntryList(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isLogEntryList',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => logEntriesProblem(value) === null,
        defaultMessage: (args) => logEntriesProblem(args?.value) ?? 'entries are malformed',
      },
    });
  };
}
