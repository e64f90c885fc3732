// Bodies that are not JSON, or not sent as JSON: wrong and odd content types and charsets, truncated JSON,
// random bytes, form data, compressed bodies (well and badly), and JSON nested far deeper than JSON.stringify
// can write. Only a valid JSON body sent as application/json may be accepted; the rest is a 4xx that changes
// nothing.
import { gzipSync, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { testPostgresStartTimeoutMs } from '../support/test-postgres.js';
import { sendAndCheck } from './answer-checks.js';
import { headerValue } from './hostile-values.js';
import { createFuzzWorld, type FuzzWorld } from './fuzz-world.js';
import { fuzzParameters, fuzzSpecTimeoutMs } from './fuzz-settings.js';
import { routeRequest } from './route-requests.js';
import { routeName, routes } from './routes.js';

const bodyRoutes = new Map(routes.filter((route) => route.body !== undefined).map((route) => [routeName(route), route]));

const jsonContentTypes = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;;;'];
const otherContentTypes = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=fuzz', 'application/xml', 'application/octet-stream',
  'application/vnd.api+json', 'application/merge-patch+json', 'application/json; charset=utf-16', 'application/json; charset=latin1',
  'application/json; charset=bogus', 'application/json;;;', '*/*', 'json', '',
];
const encodings = ['gzip', 'deflate', 'br', 'identity', 'x-bogus', 'gzip, gzip'];

interface RawBody {
  readonly bytes: string | Buffer;
  readonly headers: Readonly<Record<string, string>>;
  /** True when the route may accept it: its valid JSON, as JSON, plainly or correctly compressed. */
  readonly mayBeAccepted: boolean;
  readonly [fc.toStringMethod]: () => string;
}

function rawBody(valid: string, bytes: fc.Arbitrary<{ bytes: string | Buffer; isValid: boolean; encoding?: string }>): fc.Arbitrary<RawBody> {
  // Half say JSON, so that the bytes themselves get tried too (any other type is refused before they are read).
  const contentType = fc.oneof(
    { arbitrary: fc.constantFrom(...jsonContentTypes), weight: 3 },
    { arbitrary: fc.constantFrom(...otherContentTypes), weight: 2 },
    { arbitrary: headerValue(30), weight: 1 },
  );
  return fc.tuple(bytes, contentType).map(([payload, type]) => {
    const headers: Record<string, string> = { 'content-type': type, ...(payload.encoding === undefined ? {} : { 'content-encoding': payload.encoding }) };
    const shown = typeof payload.bytes === 'string' ? payload.bytes.slice(0, 200) : `<${payload.bytes.length} bytes>`;
    return {
      bytes: payload.bytes,
      headers,
      mayBeAccepted: payload.isValid && saysJsonInUtf8(type),
      [fc.toStringMethod]: () => `${JSON.stringify(headers)} ${shown} (valid: ${valid.slice(0, 80)})`,
    };
  });
}

/** application/json, in UTF-8 (its default): what the body is, whatever else the header says. */
function saysJsonInUtf8(contentType: string): boolean {
  const [mediaType, ...parameters] = contentType.split(';');
  const charsets = parameters.map((parameter) => /^\s*charset\s*=\s*"?([^"]*)"?\s*$/i.exec(parameter)?.[1]).filter((charset) => charset !== undefined);
  return mediaType!.trim().toLowerCase() === 'application/json' && charsets.every((charset) => charset.toLowerCase() === 'utf-8');
}

/** Bytes for a route whose valid body is `valid` (JSON text). */
function payloads(valid: string): fc.Arbitrary<{ bytes: string | Buffer; isValid: boolean; encoding?: string }> {
  return fc.oneof(
    fc.constant({ bytes: valid, isValid: true }),
    fc.nat({ max: valid.length - 1 }).map((length) => ({ bytes: valid.slice(0, length), isValid: false })),
    fc.constantFrom('', 'null', '0', '"text"', '[]', 'true', '{', '}', '{"a":1}{"b":2}', 'name=Kisoro&chartPolicy=lease').map((bytes) => ({ bytes, isValid: false })),
    fc.constant({ bytes: `\ufeff${valid}`, isValid: true }), // a byte order mark is allowed before JSON (RFC 8259)
    fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ bytes: Buffer.from(bytes), isValid: false })),
    fc.string({ unit: 'binary', maxLength: 100 }).map((bytes) => ({ bytes, isValid: false })),
    fc.constant({ bytes: gzipSync(valid), isValid: true, encoding: 'gzip' }),
    fc.constant({ bytes: deflateSync(valid), isValid: true, encoding: 'deflate' }),
    fc.tuple(fc.constantFrom(...encodings), fc.uint8Array({ maxLength: 100 })).map(([encoding, bytes]) => ({ bytes: Buffer.from(bytes), isValid: false, encoding })),
    fc.tuple(fc.integer({ min: 33, max: 200_000 }), fc.boolean()).map(([depth, inArrays]) => ({ bytes: deeplyNested(depth, inArrays), isValid: false })),
  );
}

/** JSON text nested `depth` levels deep, written directly: JSON.stringify would overflow the stack first. */
function deeplyNested(depth: number, inArrays: boolean): string {
  return inArrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

describe('fuzzing request bodies that are not JSON', () => {
  let world: FuzzWorld;

  beforeAll(async () => {
    world = await createFuzzWorld();
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    world.report('raw bodies');
    await world.close();
  });

  it('refuses every body that is not the route\'s valid JSON sent as JSON with a 4xx that changes nothing, never a 5xx', async () => {
    const generated = fc.constantFrom(...bodyRoutes.keys()).chain((name) =>
      bodyRoutes.get(name)!.body!(world).chain((valid) => rawBody(JSON.stringify(valid), payloads(JSON.stringify(valid))).map((raw) => ({ route: name, raw }))),
    );
    await fc.assert(
      fc.asyncProperty(generated, async ({ route: name, raw }) => {
        const route = bodyRoutes.get(name)!;
        await sendAndCheck(world, routeRequest(world, route, { raw: { body: raw.bytes, headers: raw.headers } }), {
          expectAccepted: route.expectAccepted,
          ...(raw.mayBeAccepted ? {} : { refusedWith: '4xx' }),
        });
      }),
      fuzzParameters(350),
    );
  }, fuzzSpecTimeoutMs());
});
