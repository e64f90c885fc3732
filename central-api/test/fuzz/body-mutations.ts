// Near-valid bodies: a valid body with one thing changed (a field replaced by a hostile value, removed, or an
// unknown one added, at any depth), the body put into an array, or replaced outright.
// Each says whether the change must be refused.
import fc from 'fast-check';
import { awkwardKeys, hostileStructure, hostileValue } from './hostile-values.js';

type Key = string | number;

const printedCharactersMax = 300;

export interface MutatedBody {
  readonly body: unknown;
  readonly mutation: string;
  /** True when no route may accept it: an unknown field at any depth, or a body that is not an object. */
  readonly mustBeRefused: boolean;
}

/** Every place in a JSON value: paths to objects' fields and arrays' items, parents before children. */
function placesIn(value: unknown, path: readonly Key[] = []): Key[][] {
  if (typeof value !== 'object' || value === null) return [];
  const entries: [Key, unknown][] = Array.isArray(value) ? value.map((item, position) => [position, item]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...path, key], ...placesIn(child, [...path, key])]);
}

function objectsIn(value: unknown, path: readonly Key[] = []): Key[][] {
  return [[...path], ...placesIn(value, path)].filter((place) => {
    const found = at(value, place);
    return typeof found === 'object' && found !== null && !Array.isArray(found);
  });
}

function at(value: unknown, path: readonly Key[]): unknown {
  return path.reduce<unknown>((current, key) => (current as Record<Key, unknown>)[key], value);
}

/** A deep copy with `change` applied to the parent of the path's last key. */
function changed(body: unknown, path: readonly Key[], change: (parent: Record<Key, unknown>, key: Key) => void): unknown {
  const copy = structuredClone(body);
  change(at(copy, path.slice(0, -1)) as Record<Key, unknown>, path[path.length - 1]!);
  return copy;
}

export function mutatedBodies(valid: fc.Arbitrary<Record<string, unknown>>, knownFields: readonly string[]): fc.Arbitrary<MutatedBody> {
  return valid.chain((body) => {
    const places = placesIn(body);
    const objects = objectsIn(body);
    const replaced = fc.tuple(fc.constantFrom(...places), hostileValue).map(([path, value]) => ({
      body: changed(body, path, (parent, key) => (parent[key] = value)),
      mutation: `${path.join('.')} replaced`,
      mustBeRefused: false,
    }));
    const removed = fc.constantFrom(...places).map((path) => ({
      body: changed(body, path, (parent, key) => (Array.isArray(parent) ? parent.splice(key as number, 1) : delete parent[key])),
      mutation: `${path.join('.')} removed`,
      mustBeRefused: false,
    }));
    const added = fc
      .tuple(fc.constantFrom(...objects), fc.oneof(fc.constantFrom('extra', 'id', 'clinicId', 'deviceId', 'createdAt'), awkwardKeys, fc.string({ minLength: 1, maxLength: 12 })), hostileValue)
      .filter(([path, key]) => !Object.prototype.hasOwnProperty.call(at(body, path), key) && (path.length > 0 || !knownFields.includes(key)))
      .map(([path, key, value]) => ({
        body: changed(body, [...path, key], (parent, name) => Object.defineProperty(parent, name, { value, enumerable: true, configurable: true, writable: true })),
        mutation: `unknown field ${[...path, key].join('.')} added`,
        mustBeRefused: true,
      }));
    const wrapped = fc.constant({ body: [body], mutation: 'body inside an array', mustBeRefused: true });
    const replacedWhole = hostileStructure.map((value) => ({
      body: value,
      mutation: 'body replaced',
      mustBeRefused: typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).some((key) => !knownFields.includes(key)),
    }));
    return fc
      .oneof(
        { arbitrary: replaced, weight: 4 },
        { arbitrary: removed, weight: 2 },
        { arbitrary: added, weight: 2 },
        { arbitrary: wrapped, weight: 1 },
        { arbitrary: replacedWhole, weight: 1 },
      )
      .map(printable);
  });
}

/** Counterexamples print as short JSON: fast-check's own printer recurses, and bodies nest thousands deep. */
function printable(mutated: MutatedBody): MutatedBody {
  const json = JSON.stringify(mutated.body);
  const shown = json.length <= printedCharactersMax ? json : `${json.slice(0, printedCharactersMax)}... (${json.length} characters)`;
  return Object.assign(mutated, { [fc.toStringMethod]: () => `${mutated.mutation}: ${shown}` });
}
