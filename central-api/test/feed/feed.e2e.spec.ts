// The downstream feed over HTTP against a real PostgreSQL: producers, paging, cursors, who may call what,
// and the long-poll, woken through PostgreSQL LISTEN/NOTIFY by an item added through another API process.
import { DataSource } from 'typeorm';
import { FeedNotifications } from '../../src/feed/feed-notifications.js';
import { feedLimits } from '../../src/feed/feed-limits.js';
import { call, clinicWithDevice, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';
import { labResultBody, registrationBody } from './feed-test-support.js';

interface FeedItem {
  cursor: string;
  sequence: number;
  kind: string;
  payload: { clientId: string; sequence: number; recordedAt: number; author: unknown; command: Record<string, unknown> };
  createdAt: string;
}
interface FeedPage {
  items: FeedItem[];
  nextCursor: string;
  lastSequence: number;
}
interface Clinic {
  clinicId: string;
  credential: string;
}

describe('the downstream feed over HTTP', () => {
  let database: TestDatabase;
  let api: TestApp;
  let other: TestApp;
  let dataSource: DataSource;

  const post = (app: TestApp, clinic: Clinic, what: 'lab-results' | 'registrations', json: unknown) =>
    call(app.baseUrl, 'POST', `/api/clinics/${clinic.clinicId}/feed/${what}`, { token: app.adminToken, json });
  const read = (app: TestApp, clinic: Clinic, query = '', token = clinic.credential) =>
    call(app.baseUrl, 'GET', `/api/clinics/${clinic.clinicId}/feed${query === '' ? '' : `?${query}`}`, { token });
  const readPage = async (app: TestApp, clinic: Clinic, query = ''): Promise<FeedPage> => {
    const response = await read(app, clinic, query);
    expect(response.status).withContext(query).toBe(200);
    return response.body as FeedPage;
  };
  const itemCount = async (): Promise<number> => ((await dataSource.query('SELECT count(*)::int AS n FROM feed_items'))[0] as { n: number }).n;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApp(database.url);
    other = await startTestApp(database.url);
    dataSource = api.app.get(DataSource);
  }, testPostgresStartTimeoutMs);

  afterAll(async () => {
    await other.close();
    await api.close();
    await database.drop();
  });

  it('appends a lab result as a recordLabResult envelope the clinic leader can propose as it is', async () => {
    const clinic = await clinicWithDevice(api);
    const body = labResultBody();
    const created = await post(api, clinic, 'lab-results', body);
    expect(created.status).toBe(201);
    const item = created.body as FeedItem;
    expect(item.kind).toBe('labResult');
    expect(item.payload).toEqual({
      clientId: 'central-feed',
      sequence: 1,
      recordedAt: Date.parse(item.createdAt),
      author: { deviceId: 'central', userName: 'Kabale Regional Laboratory', role: 'laboratory' },
      command: { type: 'recordLabResult', labResultId: body['labResultId'], labOrderId: body['labOrderId'], result: { kind: 'numeric', value: 11.2, unit: 'g/dL' }, interpretation: 'normal' },
    } as never);
    const page = await readPage(api, clinic);
    expect(page.items).toEqual([item]);
    expect(page.nextCursor).toBe(item.cursor);
  });

  it('appends a central registration as a registerPatient envelope, optional fields filled with null', async () => {
    const clinic = await clinicWithDevice(api);
    const body = registrationBody({ phone: '+256 772 123456' });
    const created = await post(api, clinic, 'registrations', body);
    expect(created.status).toBe(201);
    expect((created.body as FeedItem).kind).toBe('centralRegistration');
    expect((created.body as FeedItem).payload.command).toEqual({
      type: 'registerPatient',
      patientId: body['patientId'],
      name: { given: 'Amina', family: 'Nakato' },
      sex: 'female',
      birth: { estimated: false, dateOfBirth: '1990-04-12' },
      identifiers: [{ system: 'national-id', value: 'CM90012345' }],
      phone: jasmine.any(String),
      address: null,
      nextOfKin: null,
    });
  });

  it('answers a producer\'s retry with the item it added (200), and the same id with other content with 409', async () => {
    const clinic = await clinicWithDevice(api);
    const body = labResultBody();
    const first = await post(api, clinic, 'lab-results', body);
    const retry = await post(api, clinic, 'lab-results', body);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    const changed = await post(api, clinic, 'lab-results', { ...body, interpretation: 'critical' });
    expect(changed.status).toBe(409);
    expect((await readPage(api, clinic)).items.length).toBe(1);
  });

  it('pages in order with limit and nextCursor, and a cursor is good on every API process', async () => {
    const clinic = await clinicWithDevice(api);
    for (let index = 0; index < 5; index++) await post(api, clinic, index % 2 === 0 ? 'lab-results' : 'registrations', index % 2 === 0 ? labResultBody() : registrationBody());
    const first = await readPage(api, clinic, 'limit=2');
    expect(first.items.map((item) => item.payload.sequence)).toEqual([1, 2]);
    expect(first.lastSequence).withContext('where the feed ends, past the page: the next pages may be asked for at once').toBe(5);
    const second = await readPage(other, clinic, `after=${first.nextCursor}&limit=2`);
    expect(second.items.map((item) => item.payload.sequence)).toEqual([3, 4]);
    const rest = await readPage(api, clinic, `after=${second.items[0]!.cursor}`);
    expect(rest.items.map((item) => item.payload.sequence)).toEqual([4, 5]);
    const end = await readPage(api, clinic, `after=${rest.nextCursor}`);
    expect(end).toEqual({ items: [], nextCursor: rest.nextCursor, lastSequence: 5 });
  });

  it('pages after a sequence (what a clinic\'s leader knows from its log), each item saying its own', async () => {
    const clinic = await clinicWithDevice(api);
    for (let index = 0; index < 4; index++) await post(api, clinic, 'registrations', registrationBody());
    const page = await readPage(other, clinic, 'afterSequence=2');
    expect(page.items.map((item) => [item.sequence, item.payload.sequence])).toEqual([[3, 3], [4, 4]]);
    expect((await readPage(api, clinic, `after=${page.nextCursor}`)).items).toEqual([]);
    expect((await readPage(api, clinic, 'afterSequence=0&limit=1')).items.map((item) => item.sequence)).toEqual([1]);
    expect((await readPage(api, clinic, 'afterSequence=4')).items).toEqual([]);
    for (const query of ['afterSequence=5', 'afterSequence=-1', 'afterSequence=1.5', 'afterSequence=two', `afterSequence=1&after=${page.nextCursor}`]) {
      const refused = await read(api, clinic, query);
      expect(refused.status).withContext(query).toBe(400);
    }
  });

  it('gives an empty feed a nextCursor that is the start', async () => {
    const clinic = await clinicWithDevice(api);
    const empty = await readPage(api, clinic);
    expect(empty.items).toEqual([]);
    await post(api, clinic, 'lab-results', labResultBody());
    expect((await readPage(api, clinic, `after=${empty.nextCursor}`)).items.length).toBe(1);
  });

  it('refuses a bad cursor with 400: garbage, another clinic\'s, past the end', async () => {
    const clinic = await clinicWithDevice(api);
    const otherClinic = await clinicWithDevice(api, 'Other');
    await post(api, otherClinic, 'lab-results', labResultBody());
    await post(api, otherClinic, 'lab-results', labResultBody());
    const othersCursor = (await readPage(api, otherClinic)).nextCursor;
    const pastTheEnd = Buffer.from(`${clinic.clinicId}/1`).toString('base64url');
    for (const after of ['not-a-cursor', '%00', othersCursor, pastTheEnd, 'x'.repeat(feedLimits.cursorCharactersMax + 1)]) {
      const response = await read(api, clinic, `after=${encodeURIComponent(after)}`);
      expect(response.status).withContext(after).toBe(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: jasmine.any(String) });
    }
  });

  it('refuses bad query values with 400: limit and waitMs out of range, unknown parameters', async () => {
    const clinic = await clinicWithDevice(api);
    for (const query of ['limit=0', `limit=${feedLimits.pageItemsMax + 1}`, 'limit=ten', 'waitMs=-1', `waitMs=${feedLimits.longPollWaitMsMax + 1}`, 'since=0']) {
      expect((await read(api, clinic, query)).status).withContext(query).toBe(400);
    }
  });

  it('lets a clinic\'s devices and admins read its feed; 401 without credentials, 403 for another clinic\'s device', async () => {
    const clinic = await clinicWithDevice(api);
    const otherClinic = await clinicWithDevice(api, 'Other');
    expect((await read(api, clinic, '', api.adminToken)).status).toBe(200);
    expect((await call(api.baseUrl, 'GET', `/api/clinics/${clinic.clinicId}/feed`)).status).toBe(401);
    expect((await read(api, clinic, '', otherClinic.credential)).status).toBe(403);
    expect((await read(api, { ...clinic, clinicId: '00000000-0000-4000-8000-000000000000' }, '', api.adminToken)).status).toBe(404);
  });

  it('lets only admins append, and answers 404 for a clinic that does not exist, storing nothing', async () => {
    const clinic = await clinicWithDevice(api);
    const before = await itemCount();
    const asDevice = await call(api.baseUrl, 'POST', `/api/clinics/${clinic.clinicId}/feed/lab-results`, { token: clinic.credential, json: labResultBody() });
    expect(asDevice.status).toBe(403);
    expect((await call(api.baseUrl, 'POST', `/api/clinics/${clinic.clinicId}/feed/registrations`, { json: registrationBody() })).status).toBe(401);
    const missing = { ...clinic, clinicId: '00000000-0000-4000-8000-000000000000' };
    expect((await post(api, missing, 'lab-results', labResultBody())).status).toBe(404);
    expect(await itemCount()).toBe(before);
  });

  const badLabResults: [string, Record<string, unknown>][] = [
    ['an unknown field', labResultBody({ patientName: 'Amina' })],
    ['a wrong type', labResultBody({ labOrderId: 12 })],
    ['a result that is not an object', labResultBody({ result: 'high' })],
    ['a result of an unknown kind', labResultBody({ result: { kind: 'image', url: 'x' } })],
    ['a result with an unknown field', labResultBody({ result: { kind: 'text', text: 'positive', note: 'x' } })],
    ['a numeric result without a unit', labResultBody({ result: { kind: 'numeric', value: 3 } })],
    ['an unknown interpretation', labResultBody({ interpretation: 'bad' })],
    ['no laboratory', labResultBody({ laboratory: undefined })],
  ];
  const badRegistrations: [string, Record<string, unknown>][] = [
    ['an unknown field', registrationBody({ bloodGroup: 'O+' })],
    ['a name with an unknown field', registrationBody({ name: { given: 'A', family: 'N', middle: 'B' } })],
    ['a birth date in the future', registrationBody({ birth: { estimated: false, dateOfBirth: '2999-01-01' } })],
    ['a malformed phone number', registrationBody({ phone: 'call me' })],
    ['a patient id that is not a UUID', registrationBody({ patientId: 'patient-7' })],
    ['an unknown sex', registrationBody({ sex: 'x' })],
  ];
  for (const [what, json] of badLabResults) {
    it(`refuses a lab result with ${what}: 400, nothing stored`, () => expectRefused('lab-results', json));
  }
  for (const [what, json] of badRegistrations) {
    it(`refuses a registration with ${what}: 400, nothing stored`, () => expectRefused('registrations', json));
  }

  async function expectRefused(what: 'lab-results' | 'registrations', json: Record<string, unknown>): Promise<void> {
    const clinic = await clinicWithDevice(api);
    const before = await itemCount();
    const response = await post(api, clinic, what, json);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: jasmine.any(String) });
    expect(await itemCount()).toBe(before);
    const [heads] = await dataSource.query('SELECT count(*)::int AS n FROM feed_heads WHERE clinic_id = $1', [clinic.clinicId]);
    expect((heads as { n: number }).n).withContext('no head row left behind').toBe(0);
  }

  describe('long-poll', () => {
    it('wakes as soon as an item is added through another API process', async () => {
      const clinic = await clinicWithDevice(api);
      const start = (await readPage(api, clinic)).nextCursor;
      const startedMs = performance.now();
      const polling = read(api, clinic, `after=${start}&waitMs=${feedLimits.longPollWaitMsMax}`);
      await delay(300); // the poll is waiting by now
      const added = await post(other, clinic, 'lab-results', labResultBody());
      const response = await polling;
      const elapsedMs = performance.now() - startedMs;
      expect(response.status).toBe(200);
      expect((response.body as FeedPage).items).toEqual([added.body as FeedItem]);
      expect(elapsedMs).withContext('woken, not timed out').toBeLessThan(5_000);
    });

    it('answers at once when items are already there', async () => {
      const clinic = await clinicWithDevice(api);
      await post(api, clinic, 'registrations', registrationBody());
      const startedMs = performance.now();
      expect((await readPage(api, clinic, `waitMs=${feedLimits.longPollWaitMsMax}`)).items.length).toBe(1);
      expect(performance.now() - startedMs).toBeLessThan(5_000);
    });

    it('answers an empty page with the same cursor when nothing arrives in time', async () => {
      const clinic = await clinicWithDevice(api);
      const start = (await readPage(api, clinic)).nextCursor;
      const startedMs = performance.now();
      const page = await readPage(other, clinic, `after=${start}&waitMs=400`);
      expect(performance.now() - startedMs).toBeGreaterThanOrEqual(390);
      expect(page).withContext('an empty feed ends at 0').toEqual({ items: [], nextCursor: start, lastSequence: 0 });
    });

    it('is not woken by another clinic\'s items', async () => {
      const clinic = await clinicWithDevice(api);
      const otherClinic = await clinicWithDevice(api, 'Other');
      const polling = readPage(api, clinic, 'waitMs=600');
      await delay(100);
      await post(other, otherClinic, 'lab-results', labResultBody());
      expect((await polling).items).toEqual([]);
    });

    it('keeps waking polls after its LISTEN connection was cut (it reconnects and re-reads)', async () => {
      const clinic = await clinicWithDevice(api);
      const notifications = api.app.get(FeedNotifications);
      const terminated: unknown[] = await dataSource.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
      );
      expect(terminated.length).withContext('both processes\' listeners').toBe(2);
      const polling = read(api, clinic, `waitMs=${feedLimits.longPollWaitMsMax}`);
      await post(other, clinic, 'lab-results', labResultBody()); // possibly while the listener is down
      const response = await polling;
      expect((response.body as FeedPage).items.length).toBe(1);
      for (let attempt = 0; attempt < 100 && !notifications.listening; attempt++) await delay(50);
      expect(notifications.listening).toBeTrue();
      const start = (await readPage(api, clinic)).nextCursor;
      const startedMs = performance.now();
      const next = read(api, clinic, `after=${start}&waitMs=${feedLimits.longPollWaitMsMax}`);
      await delay(100);
      await post(other, clinic, 'registrations', registrationBody());
      expect(((await next).body as FeedPage).items.length).toBe(1);
      expect(performance.now() - startedMs).toBeLessThan(5_000);
    });
  });
});

describe('the feed long-poll when its API process stops', () => {
  it('answers waiting polls at once, so stopping does not wait out their time', async () => {
    const database = await createTestDatabase();
    const api = await startTestApp(database.url);
    try {
      const clinic = await clinicWithDevice(api);
      const polling = call(api.baseUrl, 'GET', `/api/clinics/${clinic.clinicId}/feed?waitMs=${feedLimits.longPollWaitMsMax}`, { token: clinic.credential });
      await delay(200);
      const startedMs = performance.now();
      await api.close();
      const response = await polling;
      expect(performance.now() - startedMs).toBeLessThan(5_000);
      expect(response.status).toBe(200);
      expect((response.body as FeedPage).items).toEqual([]);
    } finally {
      await database.drop();
    }
  }, testPostgresStartTimeoutMs);
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
