// Values that are well-formed JSON but wrong where they go: wrong types, huge, negative and fractional numbers,
// strings that look like numbers, unicode that is hard to store, very long strings, arrays and objects where
// scalars go, deep nesting, and field names that name Object.prototype's members.
import fc from 'fast-check';
import { httpLimits } from '../../src/http/http-limits.js';

const edgeNumbers = [
  0, -0, -1, 1, 0.5, -0.5, 1e21, 2 ** 31, 2 ** 32 + 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, -Number.MAX_VALUE,
  Number.MIN_VALUE,
];

const numberLikeStrings = ['', ' ', '1', '-1', '1.0', '1e3', '1e400', '0x1F', '1_000', '٣', '-0', 'NaN', 'Infinity', '-Infinity', 'null', 'undefined', 'true', '[]', '{}'];

const awkwardStrings = [
  '\u0000', 'a\u0000b', '\u001f', '\u007f', '\u202e', '\ud800', '\udfff', '\ufeff', 'ß', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '👩‍⚕️', 'مرحبا', "'; DROP TABLE clinics; --",
  '%00', '%', '../../etc/passwd', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '{12345678-1234-4234-8234-123456789012}',
  'cmdev_', 'lease', 'merge', 'noop', 'command', 'membership', 'AAAA', 'AAA=', '====',
];

/** Object keys beside ordinary ones: members of Object.prototype, which some libraries skip or trip over. */
export const awkwardKeys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', 'a.b', '0', 'Name', 'NAME');

/** Nested `depth` levels deep, built without recursion (JSON.stringify recurses: far deeper nesting is sent as raw text, see raw-bodies.fuzz.spec.ts). */
export function nested(depth: number, inArrays: boolean): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = inArrays ? [value] : { a: value };
  return value;
}

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(fc.constantFrom(...edgeNumbers), fc.integer({ min: -50, max: 50 }), fc.double());

/** Strings that are wrong in most places; the longest run to `lengthMax` characters (of up to 4 bytes). */
export function hostileStrings(lengthMax: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...numberLikeStrings, ...awkwardStrings),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.uuid().map((id) => id.toUpperCase()),
    fc.tuple(fc.constantFrom('x', 'é', '😀', '\u0000'), fc.integer({ min: 100, max: lengthMax })).map(([unit, count]) => unit.repeat(count)),
  );
}

/** For bodies: the longest strings pass every field's limit, and some the body limit (a 413). */
export const hostileString = hostileStrings(Math.ceil(httpLimits.jsonBodyBytesMax / 3));

/** For paths and queries: the longest pass Node's limit on the request line and headers (a 431). */
export const hostileUrlString = hostileStrings(20_000);

export const hostileStructure: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, [], {}),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), awkwardKeys), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
  fc.tuple(fc.integer({ min: httpLimits.jsonNestingDepthMax - 2, max: 1_000 }), fc.boolean()).map(([depth, inArrays]) => nested(depth, inArrays)),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}}') as unknown),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(hostileNumber, hostileString, hostileStructure);

/** Any header value Node's HTTP client will send: visible ASCII, space, tab and Latin-1's upper half. */
export function headerValue(maxLength: number): fc.Arbitrary<string> {
  const character = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09)).map((code) => String.fromCharCode(code));
  return fc.string({ unit: character, maxLength });
}
