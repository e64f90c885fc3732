// Generated credentials for every route: none, malformed Authorization headers, tokens of nobody, the admin,
// the clinic's own device and another clinic's device. 401 (with WWW-Authenticate) without a valid token,
// 403 for a caller the route does not allow or a device of another clinic, never a 5xx, and a refusal
// changes nothing stored.
import fc from 'fast-check';
import { credentialLimits, credentialPrefixes } from '../../src/auth/credentials.js';
import { testPostgresStartTimeoutMs } from '../support/test-postgres.js';
import { type Expectations, sendAndCheck } from './answer-checks.js';
import { createFuzzWorld, type FuzzWorld } from './fuzz-world.js';
import { fuzzParameters, fuzzSpecTimeoutMs } from './fuzz-settings.js';
import { headerValue } from './hostile-values.js';
import { routeRequest } from './route-requests.js';
import { type RouteCase, routeName, routes } from './routes.js';

const routesByName = new Map(routes.map((route) => [routeName(route), route]));

type Credential =
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid'; readonly header: (world: FuzzWorld) => string; readonly shape: string }
  | { readonly kind: 'admin' | 'own device' | 'other clinic\'s device' };

/** Authorization headers no principal has: wrong schemes, broken or altered tokens, tokens of nobody. */
function invalidHeaders(): fc.Arbitrary<Credential> {
  const altered = (shape: string, header: (token: string) => string) =>
    fc.constantFrom<Credential>(
      { kind: 'invalid', shape: `${shape} (admin)`, header: (world) => header(world.api.adminToken) },
      { kind: 'invalid', shape: `${shape} (device)`, header: (world) => header(world.home.credential) },
    );
  return fc.oneof(
    altered('Basic scheme', (token) => `Basic ${token}`),
    altered('no scheme', (token) => token),
    altered('a character short', (token) => `Bearer ${token.slice(0, -1)}`),
    altered('a character more', (token) => `Bearer ${token}x`),
    altered('two tokens', (token) => `Bearer ${token} ${token}`),
    altered('upper case', (token) => `Bearer ${token.toUpperCase()}`),
    fc.constantFrom('Bearer', 'Bearer ', '', ' ', 'Bearer null', 'Bearer undefined', `Bearer ${credentialPrefixes.device}`, `Bearer ${'a'.repeat(credentialLimits.bearerTokenCharactersMax + 1)}`)
      .map((header): Credential => ({ kind: 'invalid', shape: JSON.stringify(header.slice(0, 40)), header: () => header })),
    headerValue(80).map((header): Credential => ({ kind: 'invalid', shape: JSON.stringify(header), header: () => header })),
    headerValue(60).map((token): Credential => ({ kind: 'invalid', shape: `Bearer ${JSON.stringify(token)}`, header: () => `Bearer ${token}` })),
  );
}

const credentials: fc.Arbitrary<Credential> = fc.oneof(
  fc.constantFrom<Credential>({ kind: 'none' }, { kind: 'admin' }, { kind: 'own device' }, { kind: 'other clinic\'s device' }),
  invalidHeaders(),
);

function authorizationOf(world: FuzzWorld, credential: Credential): string | null {
  switch (credential.kind) {
    case 'none':
      return null;
    case 'invalid':
      return credential.header(world);
    case 'admin':
      return `Bearer ${world.api.adminToken}`;
    case 'own device':
      return `Bearer ${world.home.credential}`;
    case 'other clinic\'s device':
      return `Bearer ${world.other.credential}`;
  }
}

/** What the guard (and, for leases, the service) must answer this credential on a route of the home clinic. */
function expectationsFor(route: RouteCase, credential: Credential): Expectations {
  if (route.access === 'public') return {};
  if (credential.kind === 'none' || credential.kind === 'invalid') return { refusedWith: [401] };
  const caller = credential.kind === 'admin' ? 'admin' : 'device';
  if (!route.access.includes(caller)) return { refusedWith: [403] };
  // Routes without a clinic in them (me, peer credentials) are the device's own wherever it belongs.
  const reachesHomeClinic = route.template.includes(':clinicId') || route.template.includes(':leaseId');
  if (credential.kind === 'other clinic\'s device' && reachesHomeClinic) return { refusedWith: [403] };
  return { expectAccepted: route.expectAccepted };
}

describe('fuzzing the credentials of every route', () => {
  let world: FuzzWorld;

  beforeAll(async () => {
    world = await createFuzzWorld();
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    world.report('credentials');
    await world.close();
  });

  it('answers 401 without a valid token and 403 to a caller the route does not allow, and a refusal changes nothing', async () => {
    const generated = fc.constantFrom(...routesByName.keys()).chain((name) => {
      const route = routesByName.get(name)!;
      const body = route.body === undefined ? fc.constant(undefined) : route.body(world);
      const query = route.query === undefined ? fc.constant([]) : route.query(world);
      return fc.record({ route: fc.constant(name), credential: credentials, body, query });
    });
    await fc.assert(
      fc.asyncProperty(generated, async ({ route: name, credential, body, query }) => {
        const route = routesByName.get(name)!;
        const expectations = expectationsFor(route, credential);
        const request = routeRequest(world, route, { authorization: authorizationOf(world, credential), query, ...(body === undefined ? {} : { json: body }) });
        const response = await sendAndCheck(world, request, expectations);
        // Conflicts (a chart another clinic holds, a lease released) and a route's own refusals of a valid body (an
        // enrollment code used already) are answers about what is stored, not about who asks.
        const aboutWhatIsStored = [404, 409, ...(route.validRefusedWith ?? [])];
        if (response.status >= 400 && expectations.refusedWith === undefined && !aboutWhatIsStored.includes(response.status)) {
          throw new Error(`${name} refused a valid request from ${credential.kind} with ${response.status}: ${response.text}`);
        }
        if (response.status === 401 && response.headers['www-authenticate'] !== 'Bearer') throw new Error('a 401 without "WWW-Authenticate: Bearer"');
      }),
      fuzzParameters(400),
    );
  }, fuzzSpecTimeoutMs());
});
