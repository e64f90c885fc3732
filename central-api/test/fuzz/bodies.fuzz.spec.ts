// Generated JSON bodies for every route that takes one: near-valid bodies (one thing changed), valid ones, and
// random JSON. Never a 5xx; a refusal is a JSON error with a message and changes nothing stored; an unknown
// field (at any depth) or a body that is not an object is always refused; an accepted body answers in the
// route's shape.
import fc from 'fast-check';
import { testPostgresStartTimeoutMs } from '../support/test-postgres.js';
import { sendAndCheck } from './answer-checks.js';
import { mutatedBodies } from './body-mutations.js';
import { createFuzzWorld, type FuzzWorld } from './fuzz-world.js';
import { fuzzParameters, fuzzSpecTimeoutMs } from './fuzz-settings.js';
import { routeRequest } from './route-requests.js';
import { routeName, routes } from './routes.js';

const bodyRoutes = new Map(routes.filter((route) => route.body !== undefined).map((route) => [routeName(route), route]));

describe('fuzzing the JSON bodies of every route', () => {
  let world: FuzzWorld;

  beforeAll(async () => {
    world = await createFuzzWorld();
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    world.report('bodies');
    await world.close();
  });

  /** A route taking a body (by name: counterexamples print readably) with a body made for it. */
  function routeWithBody<T>(body: (name: string) => fc.Arbitrary<T>): fc.Arbitrary<{ route: string; body: T }> {
    return fc.constantFrom(...bodyRoutes.keys()).chain((route) => body(route).map((made) => ({ route, body: made })));
  }

  it('answers near-valid bodies without a 5xx, always refuses unknown fields and non-objects, and a refusal changes nothing', async () => {
    const generated = routeWithBody((name) => {
      const route = bodyRoutes.get(name)!;
      return mutatedBodies(route.body!(world), route.bodyFields!);
    });
    await fc.assert(
      fc.asyncProperty(generated, async ({ route: name, body: mutated }) => {
        const route = bodyRoutes.get(name)!;
        await sendAndCheck(world, routeRequest(world, route, { json: mutated.body }), {
          expectAccepted: route.expectAccepted,
          ...(mutated.mustBeRefused ? { refusedWith: [400, 413] } : {}),
        });
      }),
      fuzzParameters(700),
    );
  }, fuzzSpecTimeoutMs());

  it('accepts the valid bodies it generates, answering in each route\'s shape', async () => {
    const generated = routeWithBody((name) => bodyRoutes.get(name)!.body!(world));
    await fc.assert(
      fc.asyncProperty(generated, async ({ route: name, body }) => {
        const route = bodyRoutes.get(name)!;
        const response = await sendAndCheck(world, routeRequest(world, route, { json: body }), { expectAccepted: route.expectAccepted });
        // A valid body is refused only for what is stored already (a chart another clinic holds: 409).
        if (response.status >= 400 && !(route.validRefusedWith ?? [409]).includes(response.status)) {
          throw new Error(`${name} refused a valid body with ${response.status}: ${response.text}`);
        }
      }),
      fuzzParameters(80),
    );
  }, fuzzSpecTimeoutMs());

  it('answers random JSON bodies without a 5xx, and a refusal changes nothing', async () => {
    const generated = routeWithBody(() => fc.jsonValue());
    await fc.assert(
      fc.asyncProperty(generated, async ({ route: name, body }) => {
        await sendAndCheck(world, routeRequest(world, bodyRoutes.get(name)!, { json: body }));
      }),
      fuzzParameters(200),
    );
  }, fuzzSpecTimeoutMs());
});
