// The feed repository against a real PostgreSQL: gapless per-clinic sequences under concurrent appends,
// producer retries, rollback of refused payloads, and the NOTIFY an append sends.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { ClinicsModule } from '../../src/clinics/clinics.module.js';
import { ClinicsRepository } from '../../src/clinics/clinics.repository.js';
import type { LabResultRequest } from '../../src/feed/dto/lab-result.request.js';
import { labResultEnvelope } from '../../../leader-worker/src/chart/index.js';
import { feedNotificationChannel } from '../../src/feed/feed-limits.js';
import { FeedModule } from '../../src/feed/feed.module.js';
import { FeedRepository } from '../../src/feed/feed.repository.js';
import { databaseTestModule, type DatabaseTestModule } from '../support/test-module.js';
import { testPostgresStartTimeoutMs } from '../support/test-postgres.js';
import { labResultBody } from './feed-test-support.js';

describe('feed repository (PostgreSQL)', () => {
  let testModule: DatabaseTestModule;
  let feed: FeedRepository;
  let clinics: ClinicsRepository;

  beforeAll(async () => {
    testModule = await databaseTestModule(ClinicsModule, FeedModule);
    feed = testModule.module.get(FeedRepository);
    clinics = testModule.module.get(ClinicsRepository);
  }, testPostgresStartTimeoutMs);

  afterAll(() => testModule.close());

  const appendLabResult = (clinicId: string, overrides: Record<string, unknown> = {}) => {
    const request = labResultBody(overrides) as unknown as LabResultRequest;
    return feed.append(clinicId, 'labResult', request.labResultId, labResultEnvelope(request));
  };

  it('numbers concurrent appends 1..n without gaps, each clinic on its own', async () => {
    const [first, second] = [(await clinics.insert('A', 'lease')).id, (await clinics.insert('B', 'lease')).id];
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, index) => appendLabResult(index % 4 === 0 ? second : first)));
    expect(outcomes.every((outcome) => outcome.kind === 'appended')).toBeTrue();
    const sequences = async (clinicId: string) => (await feed.itemsAfter(clinicId, 0, 100)).map((item) => item.sequence);
    expect(await sequences(first)).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
    expect(await sequences(second)).toEqual(Array.from({ length: 10 }, (_, index) => index + 1));
    await expectAsync(feed.lastSequence(first)).toBeResolvedTo(30);
    expect((await feed.itemsAfter(first, 28, 100)).map((item) => item.payload)).toEqual([
      jasmine.objectContaining({ sequence: 29 }),
      jasmine.objectContaining({ sequence: 30 }),
    ]);
  });

  it('reads a page with the last sequence in one query: after a cursor, in order, at most the limit', async () => {
    const clinicId = (await clinics.insert('Paged', 'lease')).id;
    for (let count = 0; count < 5; count++) await appendLabResult(clinicId);
    const page = await feed.pageAfter(clinicId, 1, 3);
    expect(page?.lastSequence).toBe(5);
    expect(page?.items.map((item) => item.sequence)).toEqual([2, 3, 4]);
    expect(page?.items).toEqual(await feed.itemsAfter(clinicId, 1, 3));
    await expectAsync(feed.pageAfter(clinicId, 5, 3)).toBeResolvedTo({ lastSequence: 5, items: [] });
  });

  it('gives a feed nobody appended to a last sequence of 0, and a missing clinic none', async () => {
    const clinicId = (await clinics.insert('Empty', 'merge')).id;
    await expectAsync(feed.lastSequence(clinicId)).toBeResolvedTo(0);
    await expectAsync(feed.pageAfter(clinicId, 0, 10)).toBeResolvedTo({ lastSequence: 0, items: [] });
    await expectAsync(feed.lastSequence(randomUUID())).toBeResolvedTo(undefined);
    await expectAsync(feed.pageAfter(randomUUID(), 0, 10)).toBeResolvedTo(undefined);
    await expectAsync(appendLabResult(randomUUID())).toBeResolvedTo({ kind: 'clinic-not-found' });
  });

  it('finds a retried subject instead of appending it again, and tells a changed one apart', async () => {
    const clinicId = (await clinics.insert('Retry', 'lease')).id;
    const labResultId = randomUUID();
    const labOrderId = randomUUID();
    const first = await appendLabResult(clinicId, { labResultId, labOrderId });
    const again = await appendLabResult(clinicId, { labResultId, labOrderId });
    expect(again.kind).toBe('already-appended');
    expect(again.kind === 'already-appended' && first.kind === 'appended' && again.item.sequence === first.item.sequence).toBeTrue();
    expect((await appendLabResult(clinicId, { labResultId, labOrderId, interpretation: 'critical' })).kind).toBe('subject-conflict');
    await expectAsync(feed.lastSequence(clinicId)).toBeResolvedTo(1);
  });

  it('rolls a refused payload back, leaving no head row', async () => {
    const clinicId = (await clinics.insert('Refused', 'lease')).id;
    const outcome = await appendLabResult(clinicId, { result: { kind: 'text', text: '' } });
    expect(outcome.kind).toBe('invalid');
    const heads: unknown[] = await testModule.module.get(DataSource).query('SELECT 1 FROM feed_heads WHERE clinic_id = $1', [clinicId]);
    expect(heads).toEqual([]);
  });

  it('notifies listeners on the feed channel with the clinic id once the item is committed', async () => {
    const clinicId = (await clinics.insert('Notify', 'lease')).id;
    const listener = new pg.Client({ connectionString: testModule.database.url });
    await listener.connect();
    try {
      await listener.query(`LISTEN ${feedNotificationChannel}`);
      const received = new Promise<string | undefined>((resolve) => listener.once('notification', (message) => resolve(message.payload)));
      await appendLabResult(clinicId);
      await expectAsync(received).toBeResolvedTo(clinicId);
    } finally {
      await listener.end();
    }
  });
});
