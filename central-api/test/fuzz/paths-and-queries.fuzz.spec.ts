// Generated path parameters (bad UUIDs, other clinics' ids, ids of nothing, broken percent-encoding), query
// strings (values mutated, unknown and repeated parameters) and methods and paths no route has. Never a 5xx;
// a path id that is not a UUID and an unknown query parameter are always refused; a device reaching another
// clinic's id is refused with 403; a refusal changes nothing stored.
import fc from 'fast-check';
import { testPostgresStartTimeoutMs } from '../support/test-postgres.js';
import { type Expectations, sendAndCheck } from './answer-checks.js';
import { createFuzzWorld, type FuzzWorld } from './fuzz-world.js';
import { fuzzParameters, fuzzSpecTimeoutMs } from './fuzz-settings.js';
import { awkwardKeys, hostileUrlString } from './hostile-values.js';
import { percentEncoded, routeRequest } from './route-requests.js';
import { type Caller, type QueryPairs, routeName, routes } from './routes.js';

const routesByName = new Map(routes.map((route) => [routeName(route), route]));
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Path pieces whose percent-encoding is broken or means something to a router, sent as they are. */
const rawPathPieces = ['%', '%zz', '%00', '%2F', 'a%2Fb', '..', '.', '%E0%A4%A', ';x', '%C0%AF', '%25', 'x'.repeat(5_000)];

interface PathValue {
  /** As it goes on the wire. */
  readonly encoded: string;
  /** What the route sees once decoded, or undefined when it cannot be decoded. */
  readonly decoded: string | undefined;
  readonly ofOtherClinic: boolean;
}

function decoded(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

function pathValue(world: FuzzWorld, name: string, valid: string): fc.Arbitrary<PathValue> {
  const ofOther = { clinicId: world.other.clinicId, patientId: world.other.patientIds[1]!, leaseId: world.other.leaseId }[name] ?? valid;
  const plain = (value: string, ofOtherClinic = false): PathValue => ({ encoded: percentEncoded(value), decoded: value, ofOtherClinic });
  return fc.oneof(
    fc.constant(plain(valid)),
    fc.constant(plain(ofOther, name === 'clinicId')),
    fc.constant(plain(valid.toUpperCase())),
    fc.uuid().map((id) => plain(id)),
    hostileUrlString.map((value) => plain(value)),
    fc.constantFrom(...rawPathPieces).map((encoded) => ({ encoded, decoded: decoded(encoded), ofOtherClinic: false })),
  );
}

/** The route's valid query with one change: a value replaced, a parameter repeated, removed or unknown. */
function mutatedQuery(valid: QueryPairs, knownNames: readonly string[]): fc.Arbitrary<{ query: QueryPairs; mustBeRefused: boolean }> {
  const positions = valid.map((_pair, position) => position);
  const unknownName = fc.oneof(fc.constantFrom('extra', 'query[a]', 'limit[]', 'after.x', 'clinicId'), awkwardKeys, fc.string({ minLength: 1, maxLength: 10 })).filter((name) => !knownNames.includes(name));
  const changes: fc.Arbitrary<{ query: QueryPairs; mustBeRefused: boolean }>[] = [
    fc.tuple(unknownName, hostileUrlString).map(([name, value]) => ({ query: [...valid, [name, value] as const], mustBeRefused: true })),
  ];
  if (positions.length > 0) {
    changes.push(
      fc.tuple(fc.constantFrom(...positions), hostileUrlString).map(([at, value]) => ({
        query: valid.map((pair, position) => (position === at ? [pair[0], value] as const : pair)), mustBeRefused: false,
      })),
      fc.tuple(fc.constantFrom(...positions), hostileUrlString).map(([at, value]) => ({ query: [...valid, [valid[at]![0], value] as const], mustBeRefused: false })),
      fc.constantFrom(...positions).map((at) => ({ query: valid.filter((_pair, position) => position !== at), mustBeRefused: false })),
    );
  }
  return fc.oneof(...changes);
}

describe('fuzzing the paths, queries and methods of every route', () => {
  let world: FuzzWorld;

  beforeAll(async () => {
    world = await createFuzzWorld();
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    world.report('paths and queries');
    await world.close();
  });

  /** A caller the route allows (by name, so counterexamples print readably). */
  function callerOf(name: string): fc.Arbitrary<Caller | undefined> {
    const access = routesByName.get(name)!.access;
    return access === 'public' ? fc.constant(undefined) : fc.constantFrom(...access);
  }

  it('refuses path ids that are not UUIDs, refuses a device another clinic\'s id, and never answers a 5xx', async () => {
    const withParams = routes.filter((route) => route.params !== undefined).map(routeName);
    const generated = fc.constantFrom(...withParams).chain((name) => {
      const valid = routesByName.get(name)!.params!(world);
      const values = Object.fromEntries(Object.entries(valid).map(([param, value]) => [param, pathValue(world, param, value)]));
      return fc.record({ route: fc.constant(name), caller: callerOf(name), params: fc.record(values) });
    });
    await fc.assert(
      fc.asyncProperty(generated, async ({ route: name, caller, params }) => {
        const route = routesByName.get(name)!;
        const values = Object.values(params);
        const notUuid = values.some((value) => value.decoded === undefined || !uuidPattern.test(value.decoded));
        const deviceElsewhere = caller === 'device' && values.some((value) => value.ofOtherClinic);
        // The guard judges a device's clinic before the id's form: 403 is a fine answer to a malformed id too.
        const malformed = caller === 'device' ? [400, 403, 404, 431] : [400, 404, 431];
        const expectations: Expectations = notUuid ? { refusedWith: malformed } : deviceElsewhere ? { refusedWith: [403] } : {};
        const encodedParams = Object.fromEntries(Object.entries(params).map(([param, value]) => [param, value.encoded]));
        // One fixed valid body per route: this property varies the path, and the body spec varies bodies.
        const body = route.body === undefined ? {} : { json: fc.sample(route.body(world), { numRuns: 1, seed: 1 })[0] };
        await sendAndCheck(world, routeRequest(world, route, { encodedParams, ...(caller === undefined ? {} : { caller }), ...body }), expectations);
      }),
      fuzzParameters(400),
    );
  }, fuzzSpecTimeoutMs());

  it('refuses unknown query parameters, answers mutated queries without a 5xx, and a refusal changes nothing', async () => {
    const withQuery = routes.filter((route) => route.query !== undefined).map(routeName);
    const generated = fc.constantFrom(...withQuery).chain((name) => {
      const route = routesByName.get(name)!;
      return fc.record({ route: fc.constant(name), caller: callerOf(name), query: route.query!(world).chain((valid) => mutatedQuery(valid, route.queryFields!)) });
    });
    await fc.assert(
      fc.asyncProperty(generated, async ({ route: name, caller, query }) => {
        const route = routesByName.get(name)!;
        await sendAndCheck(world, routeRequest(world, route, { query: query.query, ...(caller === undefined ? {} : { caller }) }), {
          expectAccepted: route.expectAccepted,
          ...(query.mustBeRefused ? { refusedWith: [400, 431] } : {}),
        });
      }),
      fuzzParameters(350),
    );
  }, fuzzSpecTimeoutMs());

  it('answers other methods on every route, and paths no route has, with a JSON 4xx', async () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND');
    const known = fc.tuple(method, fc.constantFrom(...routes.map(routeName)))
      .map(([verb, name]) => ({ method: verb, path: routeRequest(world, routesByName.get(name)!).path, route: name }));
    const unknown = fc
      .tuple(method, fc.constantFrom('', '/api', '/health', '/metrics'), fc.webPath())
      .map(([verb, prefix, path]) => ({ method: verb, path: `${prefix}${path.startsWith('/') ? path : `/${path}`}`, route: undefined as string | undefined }))
      .filter(({ path }) => !/^\/(?:peerjs|api\/docs)/.test(path) && !routes.some((route) => route.template === path.replace(/\/+$/, '')));
    await fc.assert(
      fc.asyncProperty(fc.oneof(known, unknown), async ({ method: verb, path, route: name }) => {
        const route = name === undefined ? undefined : routesByName.get(name)!;
        const isTheRoute = route !== undefined && (verb === route.method || (verb === 'HEAD' && route.method === 'GET'));
        await sendAndCheck(world, { method: verb, path, headers: { authorization: `Bearer ${world.api.adminToken}` } }, isTheRoute ? {} : { refusedWith: [404] });
      }),
      fuzzParameters(200),
    );
  }, fuzzSpecTimeoutMs());
});
