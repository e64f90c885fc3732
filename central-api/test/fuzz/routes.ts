// Every route of the central API, as the fuzz specs see it: who may call it, the near-valid input it takes
// (path parameters, body, query: generated, so a run replays from its seed) and what an accepted answer holds.
import fc from 'fast-check';
import { searchQueryLengthMax, searchResultsMax } from '../../../leader-worker/src/chart/index.js';
import { feedLimits } from '../../src/feed/feed-limits.js';
import { leaseLimits } from '../../src/leases/lease-settings.js';
import { opsLimits } from '../../src/ops/ops-limits.js';
import type { FuzzWorld } from './fuzz-world.js';
import type { FuzzResponse } from './http-exchange.js';
import { type AnswerFields, expectJsonAnswer } from './answer-checks.js';

export type Caller = 'admin' | 'device';
export type JsonObject = Record<string, unknown>;
/** Query parameters in order; a name may repeat. */
export type QueryPairs = readonly (readonly [string, string])[];

export interface RouteCase {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path with `:name` parameters, as the controller declares it (with the global prefix). */
  readonly template: string;
  readonly access: 'public' | readonly Caller[];
  /** Valid path parameters, aimed at the home clinic. */
  readonly params?: (world: FuzzWorld) => Readonly<Record<string, string>>;
  readonly body?: (world: FuzzWorld) => fc.Arbitrary<JsonObject>;
  /** Every field the body may have (the valid ones generated may leave optional ones out). */
  readonly bodyFields?: readonly string[];
  readonly query?: (world: FuzzWorld) => fc.Arbitrary<QueryPairs>;
  readonly queryFields?: readonly string[];
  /** Throws unless the answer to an accepted request has the route's shape. */
  readonly expectAccepted: (response: FuzzResponse) => void;
  /** Statuses a valid body may still get for what is stored (default: 409, a chart another clinic holds). */
  readonly validRefusedWith?: readonly number[];
}

const uuid = fc.uuid({ version: 4 });
const homeClinic = (world: FuzzWorld) => ({ clinicId: world.home.clinicId });

/** Keeps each of the optional pairs or not: every subset of a valid query is valid. */
function someOf(pairs: readonly fc.Arbitrary<readonly [string, string]>[], required: readonly fc.Arbitrary<readonly [string, string]>[] = []): fc.Arbitrary<QueryPairs> {
  return fc.tuple(fc.tuple(...required), fc.subarray([...pairs.keys()])).chain(([kept, chosen]) =>
    fc.tuple(...chosen.map((position) => pairs[position]!)).map((optional) => [...kept, ...optional]),
  );
}

const pair = (name: string, values: fc.Arbitrary<string>) => values.map((value) => [name, value] as const);
const integerText = (min: number, max: number) => fc.integer({ min, max }).map(String);

const leaseGrant: AnswerFields = { leaseId: 'string', epoch: 'number', expiresAt: 'date-time' };
const feedItem: AnswerFields = { cursor: 'string', kind: 'string', payload: 'object', createdAt: 'date-time' };

export const routes: readonly RouteCase[] = [
  {
    method: 'POST',
    template: '/api/clinics',
    access: ['admin'],
    body: () => fc.record({ name: fc.constantFrom('Kisoro Health Centre', 'Rubanda HC III', 'Bwindi'), chartPolicy: fc.constantFrom('lease', 'merge') }),
    bodyFields: ['name', 'chartPolicy'],
    expectAccepted: (response) => expectJsonAnswer(response, [201], { id: 'string' }),
  },
  {
    method: 'GET',
    template: '/api/clinics/:clinicId',
    access: ['admin', 'device'],
    params: homeClinic,
    expectAccepted: (response) =>
      expectJsonAnswer(response, [200], { id: 'string', name: 'string', chartPolicy: 'string', createdAt: 'string', devices: 'array' }),
  },
  {
    method: 'POST',
    template: '/api/clinics/:clinicId/devices',
    access: ['admin'],
    params: homeClinic,
    body: () => fc.record({ name: fc.constantFrom('Nurse tablet', 'Pharmacy desktop', 'Tablette de l’accueil') }),
    bodyFields: ['name'],
    expectAccepted: (response) => expectJsonAnswer(response, [201], { deviceId: 'string', credential: 'string' }),
  },
  {
    method: 'POST',
    template: '/api/clinics/:clinicId/enrollment-codes',
    access: ['admin'],
    params: homeClinic,
    body: () => fc.record({ name: fc.constantFrom('Registration tablet', 'Lab desktop', 'Tablette de l’accueil') }),
    bodyFields: ['name'],
    expectAccepted: (response) => expectJsonAnswer(response, [201], { code: 'string', clinicId: 'string', name: 'string', expiresAt: 'date-time' }),
  },
  // The world's codes enroll a device once each (201); used, they are 410.
  {
    method: 'POST',
    template: '/api/enrollments',
    access: 'public',
    body: (world) => fc.record({ code: fc.constantFrom(...world.home.enrollmentCodes), publicKey: fc.constant(world.devicePublicKey) }),
    bodyFields: ['code', 'publicKey'],
    expectAccepted: (response) =>
      expectJsonAnswer(response, [201], { clinicId: 'string', deviceId: 'string', name: 'string', credential: 'string', certificate: 'string', trustAnchor: 'string', peer: 'object' }),
    validRefusedWith: [410],
  },
  {
    method: 'GET',
    template: '/api/clinics/:clinicId/log/ack',
    access: ['admin', 'device'],
    params: homeClinic,
    expectAccepted: (response) => expectJsonAnswer(response, [200], { acknowledgedIndex: 'number' }),
  },
  {
    method: 'POST',
    template: '/api/clinics/:clinicId/log',
    access: ['device'],
    params: homeClinic,
    // A replay of part of the log uploaded at setup: acknowledged again, nothing changes.
    body: (world) =>
      fc.tuple(fc.integer({ min: 1, max: world.home.log.length }), fc.integer({ min: 1, max: world.home.log.length }), fc.boolean()).map(([fromIndex, count, withCommit]) => ({
        fromIndex,
        entries: world.home.log.slice(fromIndex - 1, fromIndex - 1 + count),
        ...(withCommit ? { leaderCommitIndex: world.home.log.length } : {}),
      })),
    bodyFields: ['fromIndex', 'entries', 'leaderCommitIndex'],
    expectAccepted: (response) => expectJsonAnswer(response, [200], { acknowledgedIndex: 'number' }),
  },
  {
    method: 'GET',
    template: '/api/clinics/:clinicId/feed',
    access: ['admin', 'device'],
    params: homeClinic,
    // waitMs stays short: a valid long-poll after the last item waits that long for nothing.
    query: (world) =>
      someOf([pair('after', fc.constantFrom(...world.home.feedCursors)), pair('limit', integerText(1, feedLimits.pageItemsMax)), pair('waitMs', integerText(0, 20))]),
    queryFields: ['after', 'limit', 'waitMs'],
    expectAccepted: (response) => expectJsonAnswer(response, [200], { items: 'array', nextCursor: 'string' }),
  },
  {
    method: 'POST',
    template: '/api/clinics/:clinicId/feed/lab-results',
    access: ['admin'],
    params: homeClinic,
    body: (world) =>
      fc.oneof(
        fc.constant({ ...world.home.labResult }), // a retry: 200 with the item sent before
        fc.record(
          {
            labResultId: uuid,
            labOrderId: uuid,
            result: fc.oneof(fc.constant({ kind: 'numeric', value: 11.2, unit: 'g/dL' }), fc.constant({ kind: 'text', text: 'Malaria RDT negative' })),
            interpretation: fc.constantFrom('normal', 'abnormal', null),
            laboratory: fc.constantFrom('Kabale Regional Laboratory', 'Central lab'),
          },
          { requiredKeys: ['labResultId', 'labOrderId', 'result', 'laboratory'] },
        ),
      ),
    bodyFields: ['labResultId', 'labOrderId', 'result', 'interpretation', 'laboratory'],
    expectAccepted: (response) => expectJsonAnswer(response, [200, 201], feedItem),
  },
  {
    method: 'POST',
    template: '/api/clinics/:clinicId/feed/registrations',
    access: ['admin'],
    params: homeClinic,
    body: () =>
      fc.record(
        {
          patientId: uuid,
          name: fc.constant({ given: 'Amina', family: 'Nakato' }),
          sex: fc.constantFrom('female', 'male', 'other', 'unknown'),
          birth: fc.constantFrom({ estimated: false, dateOfBirth: '1990-04-12' }, { estimated: true, birthYear: 1984 }),
          identifiers: fc.constantFrom([], [{ system: 'national-id', value: 'CM90012345' }]),
          phone: fc.constantFrom('+256 772 000111', null),
          address: fc.constantFrom({ village: 'Rubanda', details: null }, null),
          nextOfKin: fc.constantFrom({ name: 'Grace Nakato', relationship: 'mother', phone: null }, null),
          registeredBy: fc.constant('Central records office'),
        },
        { requiredKeys: ['patientId', 'name', 'sex', 'birth', 'registeredBy'] },
      ),
    bodyFields: ['patientId', 'name', 'sex', 'birth', 'identifiers', 'phone', 'address', 'nextOfKin', 'registeredBy'],
    expectAccepted: (response) => expectJsonAnswer(response, [200, 201], feedItem),
  },
  {
    method: 'POST',
    template: '/api/clinics/:clinicId/leases',
    access: ['admin', 'device'],
    params: homeClinic,
    // The chart it holds (200, extended), a new one (201) or one the other clinic holds (409).
    body: (world) => fc.record({ patientId: fc.oneof(fc.constant(world.home.patientIds[0]!), uuid, fc.constant(world.other.patientIds[0]!)) }),
    bodyFields: ['patientId'],
    expectAccepted: (response) => expectJsonAnswer(response, [200, 201], leaseGrant),
  },
  {
    method: 'POST',
    template: '/api/leases/:leaseId/renew',
    access: ['admin', 'device'],
    params: (world) => ({ leaseId: world.home.leaseId }),
    expectAccepted: (response) => expectJsonAnswer(response, [200], leaseGrant),
  },
  {
    method: 'DELETE',
    template: '/api/leases/:leaseId',
    access: ['admin', 'device'],
    params: (world) => ({ leaseId: world.home.leaseId }),
    expectAccepted: (response) => {
      if (response.status !== 204 || response.text !== '') throw new Error(`a release answers 204 without a body, not ${response.status} ${response.text}`);
    },
  },
  {
    method: 'GET',
    template: '/api/leases',
    access: ['admin'],
    query: (world) =>
      someOf([
        pair('clinicId', fc.constantFrom(world.home.clinicId, world.other.clinicId)),
        pair('patientId', fc.constant(world.home.patientIds[0]!)),
        pair('active', fc.constantFrom('true', 'false')),
        pair('limit', integerText(1, leaseLimits.listedLeasesMax)),
      ]),
    queryFields: ['clinicId', 'patientId', 'active', 'limit'],
    expectAccepted: (response) => expectJsonAnswer(response, [200], { leases: 'array' }),
  },
  {
    method: 'GET',
    template: '/api/ops/clinics',
    access: ['admin'],
    expectAccepted: (response) => expectJsonAnswer(response, [200], { clinics: 'array' }),
  },
  {
    method: 'GET',
    template: '/api/ops/fencing-conflicts',
    access: ['admin'],
    query: (world) => someOf([pair('clinicId', fc.constant(world.home.clinicId)), pair('limit', integerText(1, opsLimits.fencingConflictsListedMax))]),
    queryFields: ['clinicId', 'limit'],
    expectAccepted: (response) => expectJsonAnswer(response, [200], { conflicts: 'array' }),
  },
  {
    method: 'GET',
    template: '/api/ops/divergences',
    access: ['admin'],
    query: (world) => someOf([pair('clinicId', fc.constant(world.home.clinicId)), pair('open', fc.constantFrom('true', 'false')), pair('limit', integerText(1, opsLimits.divergencesListedMax))]),
    queryFields: ['clinicId', 'open', 'limit'],
    expectAccepted: (response) => expectJsonAnswer(response, [200], { divergences: 'array' }),
  },
  // The world holds no divergence nor fencing conflict: a valid resolve finds none (404); the fuzz is of its input.
  {
    method: 'POST',
    template: '/api/ops/divergences/:divergenceId/resolve',
    access: ['admin'],
    params: () => ({ divergenceId: '1' }),
    body: () => fc.record({ resolution: fc.constantFrom('Tablet restored from central.', 'Reviewed with the clinic.\nNo action.') }),
    bodyFields: ['resolution'],
    expectAccepted: (response) => expectJsonAnswer(response, [200], { id: 'string', resolvedAt: 'date-time', resolution: 'string' }),
    validRefusedWith: [404, 409],
  },
  {
    method: 'POST',
    template: '/api/ops/fencing-conflicts/:conflictId/resolve',
    access: ['admin'],
    params: () => ({ conflictId: '1' }),
    body: () => fc.record({ resolution: fc.constantFrom('Note re-entered at the holding clinic.') }),
    bodyFields: ['resolution'],
    expectAccepted: (response) => expectJsonAnswer(response, [200], { id: 'string', resolvedAt: 'date-time', resolution: 'string' }),
    validRefusedWith: [404, 409],
  },
  {
    method: 'POST',
    template: '/api/clinics/:clinicId/devices/:deviceId/revocation',
    access: ['admin'],
    params: (world) => ({ clinicId: world.home.clinicId, deviceId: world.home.revocableDeviceId }),
    body: () => fc.record({ reason: fc.constantFrom('reported stolen', 'retired'), revokedBy: fc.constant('Ops desk') }),
    bodyFields: ['reason', 'revokedBy'],
    expectAccepted: (response) => expectJsonAnswer(response, [200, 201], { deviceId: 'string', revokedAt: 'date-time', reason: 'string', feedCursor: 'string' }),
  },
  {
    method: 'GET',
    template: '/api/clinics/:clinicId/patients',
    access: ['admin', 'device'],
    params: homeClinic,
    query: () =>
      someOf(
        [pair('limit', integerText(1, searchResultsMax))],
        [pair('query', fc.constantFrom('Amina', 'okello', 'KB-000001', '0772', 'x'.repeat(searchQueryLengthMax)))],
      ),
    queryFields: ['query', 'limit'],
    expectAccepted: (response) => expectJsonAnswer(response, [200], { appliedIndex: 'number', patients: 'array' }),
  },
  {
    method: 'GET',
    template: '/api/clinics/:clinicId/patients/:patientId',
    access: ['admin', 'device'],
    params: (world) => ({ clinicId: world.home.clinicId, patientId: world.home.patientIds[1]! }),
    expectAccepted: (response) => expectJsonAnswer(response, [200], { appliedIndex: 'number', patient: 'object', visits: 'array' }),
  },
  {
    method: 'GET',
    template: '/api/me',
    access: ['admin', 'device'],
    expectAccepted: (response) => expectJsonAnswer(response, [200], { kind: 'string' }),
  },
  {
    method: 'GET',
    template: '/api/signaling/peer-credentials',
    access: ['device'],
    expectAccepted: (response) =>
      expectJsonAnswer(response, [200], { peerId: 'string', token: 'string', path: 'string', key: 'string' }),
  },
  {
    method: 'GET',
    template: '/health',
    access: 'public',
    expectAccepted: (response) => expectJsonAnswer(response, [200], { status: { equals: 'ok' } }),
  },
  {
    method: 'GET',
    template: '/metrics',
    access: 'public',
    expectAccepted: (response) => {
      if (response.status !== 200 || !response.text.startsWith('# HELP')) throw new Error(`metrics answered ${response.status}: ${response.text.slice(0, 200)}`);
    },
  },
];

export function routeName(route: RouteCase): string {
  return `${route.method} ${route.template}`;
}
