// Generated uploads of a clinic's log: valid batches from anywhere in the log (replays, gaps, fresh entries) and
// near-valid ones (one thing changed). Never a 5xx; a valid batch is acknowledged when it starts at or below
// the acknowledged index + 1 and refused with 409 and the expected index past it; a refusal changes nothing
// stored (a divergent entry only adds its record for ops); and at the end every acknowledged entry is stored
// once and central's chart copy has the state hash a device computes from the same log.
import { DataSource } from 'typeorm';
import fc from 'fast-check';
import { ChartStateMachine, decodeCommand } from '../../../leader-worker/src/chart/index.js';
import { ChartWorkload } from '../../bench/chart-workload.js';
import { commandEntries, storedLog, uploadLog, type UploadEntry } from '../support/log-upload.js';
import { clinicWithDevice } from '../support/test-app.js';
import { testPostgresStartTimeoutMs } from '../support/test-postgres.js';
import { expectJsonAnswer, sendAndCheck } from './answer-checks.js';
import { mutatedBodies } from './body-mutations.js';
import { createFuzzWorld, type FuzzWorld } from './fuzz-world.js';
import { fuzzParameters, fuzzSpecTimeoutMs } from './fuzz-settings.js';
import { routeRequest } from './route-requests.js';
import { routes } from './routes.js';

const logEntries = 60;
const uploadedAtStart = 20;
const batchEntriesMax = 10;
const uploadRoute = routes.find((route) => route.method === 'POST' && route.template === '/api/clinics/:clinicId/log')!;

describe('fuzzing log uploads', () => {
  let world: FuzzWorld;
  let dataSource: DataSource;

  beforeAll(async () => {
    world = await createFuzzWorld();
    dataSource = world.api.app.get(DataSource);
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    world.report('log uploads');
    await world.close();
  });

  it('acknowledges valid batches in order, refuses gaps and near-valid batches without a 5xx, and stores every acknowledged entry once', async () => {
    const { clinicId, credential } = await clinicWithDevice(world.api, 'Bwindi');
    const workload = new ChartWorkload({ seed: 3, patients: 10, clientId: 'tablet-1' });
    const log: UploadEntry[] = commandEntries(1, Array.from({ length: logEntries }, () => workload.nextCommandBytes()));
    await uploadLog(world.api, clinicId, credential, { fromIndex: 1, entries: log.slice(0, uploadedAtStart) });
    let acknowledged = uploadedAtStart;
    // Up to here what central stores equals `log`; past it an accepted near-valid batch may have stored other entries.
    let storedAsLogUpTo = uploadedAtStart;

    const upload = fc.tuple(fc.integer({ min: 1, max: logEntries }), fc.integer({ min: 1, max: batchEntriesMax })).chain(([fromIndex, count]) => {
      const valid = { fromIndex, entries: log.slice(fromIndex - 1, fromIndex - 1 + count) };
      return fc.oneof(fc.constant({ body: valid, mutation: 'none', mustBeRefused: false }), mutatedBodies(fc.constant(valid), uploadRoute.bodyFields!));
    });
    const target = { encodedParams: { clinicId }, authorization: `Bearer ${credential}` };
    await fc.assert(
      fc.asyncProperty(upload, async (generated) => {
        const response = await sendAndCheck(world, routeRequest(world, uploadRoute, { ...target, json: generated.body }), {
          expectAccepted: uploadRoute.expectAccepted,
          ...(generated.mustBeRefused ? { refusedWith: [400, 413] } : {}),
        });
        const answered = (response.json as { acknowledgedIndex?: number; expectedIndex?: number } | undefined) ?? {};
        if (generated.mutation === 'none') {
          const { fromIndex, entries } = generated.body as { fromIndex: number; entries: UploadEntry[] };
          const lastIndex = fromIndex + entries.length - 1;
          if (fromIndex > acknowledged + 1) {
            expectJsonAnswer(response, [409], { expectedIndex: { equals: acknowledged + 1 } });
          } else if (Math.min(lastIndex, acknowledged) <= storedAsLogUpTo) {
            expectJsonAnswer(response, [200], { acknowledgedIndex: { equals: Math.max(acknowledged, lastIndex) } });
            if (fromIndex <= storedAsLogUpTo + 1) storedAsLogUpTo = Math.max(storedAsLogUpTo, lastIndex);
          }
        }
        if (response.status === 200) acknowledged = answered.acknowledgedIndex!;
        const stored = await storedLog(dataSource, clinicId);
        if (stored.acknowledgedIndex !== acknowledged) throw new Error(`central acknowledges ${stored.acknowledgedIndex}, the answers said ${acknowledged}`);
      }),
      fuzzParameters(400),
    );

    const stored = await storedLog(dataSource, clinicId);
    expect(stored.entries).toBe(stored.acknowledgedIndex);
    expect(stored.appliedIndex).toBe(stored.acknowledgedIndex);
    const rows: { log_index: number; data: Buffer | null }[] = await dataSource.query(
      'SELECT log_index::int, data FROM log_entries WHERE clinic_id = $1 ORDER BY log_index',
      [clinicId],
    );
    const machine = new ChartStateMachine(clinicId);
    for (const row of rows) if (row.data !== null) machine.apply(row.log_index, decodeCommand(row.data));
    expect(stored.stateHash).toBe(machine.stateHash());
  }, fuzzSpecTimeoutMs());
});
