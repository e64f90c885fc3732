// The uplink's HTTP client against the real central API on PostgreSQL: the CentralClient contract, then what
// only HTTP has (gzip bodies, answers of a proxy, Retry-After, a link that goes silent).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeCentralClientContract, clinicLog } from '../../../leader-worker/test/uplink/central-client-contract.js';
import { answerOf, HttpCentralClient } from '../../../leader-worker/src/uplink/http-central-client.js';
import { nextUploadBatch } from '../../../leader-worker/src/uplink/upload-batch.js';
import { logBatchMediaType } from '../../../leader-worker/src/uplink/log-batch-encoding.js';
import { encode } from '@msgpack/msgpack';
import { DataSource } from 'typeorm';
import { call, clinicWithDevice, testAppPerSuite } from '../support/test-app.js';
import { registrationBody } from '../feed/feed-test-support.js';

describe('the uplink\'s HTTP client and the real central API', () => {
  const central = testAppPerSuite();

  describeCentralClientContract('HttpCentralClient', async () => {
    const api = central();
    const { clinicId, credential } = await clinicWithDevice(api);
    const other = await clinicWithDevice(api, 'Rubanda');
    // The link to central: cutLink() points it where nothing listens.
    let apiUrl = `${api.baseUrl}/api`;
    const throughLink = (input: string | URL | Request, init?: RequestInit) => fetch(String(input).replace(`${api.baseUrl}/api`, apiUrl), init);
    return {
      client: new HttpCentralClient({ apiUrl: `${api.baseUrl}/api`, clinicId, credential, fetch: throughLink, requestTimeoutMs: 2_000 }),
      impostor: new HttpCentralClient({ apiUrl: `${api.baseUrl}/api`, clinicId, credential: `${credential}x` }),
      otherClinic: { clinicId: other.clinicId, client: new HttpCentralClient({ apiUrl: `${api.baseUrl}/api`, clinicId: other.clinicId, credential: other.credential }) },
      appendRegistration: async (family) => {
        const answer = await call(api.baseUrl, 'POST', `/api/clinics/${clinicId}/feed/registrations`, { token: api.adminToken, json: registrationBody({ name: { given: 'Amina', family } }) });
        if (answer.status !== 201) throw new Error(`central refused a registration: ${answer.status} ${JSON.stringify(answer.body)}`);
      },
      cutLink: async () => {
        // Nothing listens there: the connection is refused, as when the router or the service is down.
        apiUrl = 'http://127.0.0.1:9/api';
      },
      close: async () => undefined,
    };
  });

  it('sends uploads gzip-compressed, and central takes them', async () => {
    const api = central();
    const { clinicId, credential } = await clinicWithDevice(api);
    const sent: { encoding: string | null; bytes: number }[] = [];
    const recording: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      if (init?.method === 'POST') sent.push({ encoding: headers.get('content-encoding'), bytes: (init.body as ArrayBuffer).byteLength });
      return fetch(input, init);
    };
    const client = new HttpCentralClient({ apiUrl: `${api.baseUrl}/api`, clinicId, credential, fetch: recording });
    const batch = nextUploadBatch(clinicLog(1, 200), 200);
    if (batch.type !== 'batch') throw new Error('expected a batch');
    expect(await client.upload(batch.body)).toEqual({ type: 'acknowledged', acknowledgedIndex: 200 });
    expect(sent.length).toBe(1);
    expect(sent[0]!.encoding).toBe('gzip');
    expect(sent[0]!.bytes).toBeLessThan(JSON.stringify(batch.body).length / 3);
  });

  it('stores a binary (MessagePack) batch exactly as the same batch in JSON: either replays the other', async () => {
    const api = central();
    const { clinicId, credential } = await clinicWithDevice(api);
    const binary = new HttpCentralClient({ apiUrl: `${api.baseUrl}/api`, clinicId, credential });
    const json = new HttpCentralClient({ apiUrl: `${api.baseUrl}/api`, clinicId, credential, uploadEncoding: 'json' });
    const batch = nextUploadBatch(clinicLog(1, 60), 60);
    if (batch.type !== 'batch') throw new Error('expected a batch');
    expect(await binary.upload(batch.body)).toEqual({ type: 'acknowledged', acknowledgedIndex: 60 });
    // Had the bytes changed on the way (a base64 that is not canonical, a byte lost), this would be a divergence (409).
    expect(await json.upload(batch.body)).toEqual({ type: 'acknowledged', acknowledgedIndex: 60 });
    const next = nextUploadBatch(clinicLog(61, 10), 70);
    if (next.type !== 'batch') throw new Error('expected a batch');
    expect(await json.upload(next.body)).toEqual({ type: 'acknowledged', acknowledgedIndex: 70 });
    expect(await binary.upload(next.body)).toEqual({ type: 'acknowledged', acknowledgedIndex: 70 });
  });

  it('tells the leader how far its clock is from central\'s, and shows ops a clock past the limit', async () => {
    const api = central();
    const { clinicId, credential } = await clinicWithDevice(api);
    const client = new HttpCentralClient({ apiUrl: `${api.baseUrl}/api`, clinicId, credential });
    const tenMinutesAhead = Date.now() + 10 * 60_000;
    const batch = nextUploadBatch(clinicLog(1, 5), 5, undefined, tenMinutesAhead);
    if (batch.type !== 'batch') throw new Error('expected a batch');
    const answer = await client.upload(batch.body);
    expect(answer.type === 'acknowledged' ? answer.clockSkewMs : answer).toBeGreaterThan(10 * 60_000 - 5_000);
    expect(answer.type === 'acknowledged' ? answer.clockSkewMs : answer).toBeLessThanOrEqual(10 * 60_000);
    const ops = await call(api.baseUrl, 'GET', '/api/ops/clinics', { token: api.adminToken });
    const row = (ops.body as { clinics: { id: string; leaderClock: unknown }[] }).clinics.find((clinic) => clinic.id === clinicId);
    expect(row?.leaderClock).toEqual({ skewMs: jasmine.any(Number), beyondLimit: true, checkedAt: jasmine.any(String) });
    const onTime = nextUploadBatch(clinicLog(6, 2), 7, undefined, Date.now());
    if (onTime.type !== 'batch') throw new Error('expected a batch');
    const fixed = await client.upload(onTime.body);
    expect(fixed.type === 'acknowledged' && Math.abs(fixed.clockSkewMs!) < 5_000).toBeTrue();
  });

  it('stores each entry\'s leader time, and takes the same entry with another time for a divergence', async () => {
    const api = central();
    const { clinicId, credential } = await clinicWithDevice(api);
    const client = new HttpCentralClient({ apiUrl: `${api.baseUrl}/api`, clinicId, credential });
    const stamped = clinicLog(1, 6).map((entry, position) => ({ ...entry, leaderTimeMs: 1_790_000_000_000 + position * 1_000 }));
    const batch = nextUploadBatch(stamped, 6);
    if (batch.type !== 'batch') throw new Error('expected a batch');
    expect(await client.upload(batch.body)).toEqual(jasmine.objectContaining({ type: 'acknowledged', acknowledgedIndex: 6 }));
    const rows = (await api.app.get(DataSource).query('SELECT log_index::int AS i, leader_time_ms::bigint::text AS t FROM log_entries WHERE clinic_id = $1 ORDER BY log_index', [clinicId])) as { i: number; t: string }[];
    expect(rows.map((row) => Number(row.t))).toEqual(stamped.map((entry) => entry.leaderTimeMs));
    expect(await client.upload(batch.body)).withContext('the same batch again').toEqual(jasmine.objectContaining({ type: 'acknowledged', acknowledgedIndex: 6 }));
    const restamped = nextUploadBatch(stamped.map((entry) => ({ ...entry, leaderTimeMs: entry.leaderTimeMs + 1 })), 6);
    if (restamped.type !== 'batch') throw new Error('expected a batch');
    expect(await client.upload(restamped.body)).toEqual(jasmine.objectContaining({ type: 'refused', status: 409 }));
  });

  it('refuses a binary body that is not a MessagePack batch with 400, and stores nothing', async () => {
    const api = central();
    const { clinicId, credential } = await clinicWithDevice(api);
    const headers = { 'content-type': logBatchMediaType, authorization: `Bearer ${credential}` };
    const bodies: [string, Uint8Array, RegExp][] = [
      ['a byte MessagePack never uses', new Uint8Array([0xc1]), /not a MessagePack log batch/],
      ['an array cut short', new Uint8Array([0x93, 0x01]), /not a MessagePack log batch/],
      ['command data that is not bytes', encode({ fromIndex: 1, entries: [{ index: 1, term: 1, kind: 'command', data: 7 }] }), /data must be a base64 string/],
      ['an entry too many', encode({ fromIndex: 1, entries: Array.from({ length: 1001 }, (_, index) => ({ index: index + 1, term: 1, kind: 'noop' })) }), /not a MessagePack log batch/],
    ];
    for (const [what, body, message] of bodies) {
      const response = await fetch(`${api.baseUrl}/api/clinics/${clinicId}/log`, { method: 'POST', headers, body: body as Uint8Array<ArrayBuffer> });
      expect(response.status).withContext(what).toBe(400);
      expect(((await response.json()) as { message: string }).message).withContext(what).toMatch(message);
    }
    const acknowledged = await new HttpCentralClient({ apiUrl: `${api.baseUrl}/api`, clinicId, credential }).acknowledgedIndex();
    expect(acknowledged).toEqual({ type: 'acknowledged', acknowledgedIndex: 0 });
  });

  it('gives up on a link that accepts the connection and never answers, as unavailable', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const client = new HttpCentralClient({ apiUrl: `http://127.0.0.1:${port}/api`, clinicId: 'c', credential: 'x', requestTimeoutMs: 300 });
      expect(await client.acknowledgedIndex()).toEqual({ type: 'unavailable' });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('takes a feed page cut off on the way for no answer, and a whole 200 that is not a page for a refusal that quotes it', async () => {
    // A server that promises a gzip'd page and ends the connection after half of it, then one that sends a portal.
    let mode: 'cut' | 'portal' = 'cut';
    const page = JSON.stringify({ items: [], nextCursor: 'x' });
    const server: Server = createServer((_request, response) => {
      if (mode === 'portal') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html>\n  <title>Hotspot login</title>\n</html>');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(page.length * 2) });
      response.write(page);
      setTimeout(() => response.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = new HttpCentralClient({ apiUrl: `http://127.0.0.1:${port}/api`, clinicId: 'c', credential: 'x', requestTimeoutMs: 2_000 });
      expect(await client.readFeed({ afterSequence: 0, limit: 10, waitMs: 0 })).toEqual({ type: 'unavailable' });
      mode = 'portal';
      expect(await client.readFeed({ afterSequence: 0, limit: 10, waitMs: 0 })).toEqual({
        type: 'refused', status: 200, message: 'central answered the feed with something that is not a page of items: <html> <title>Hotspot login</title> </html>',
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reads answers as the decisions take them: busy with its Retry-After, a proxy\'s 200 refused, a divergence refused', () => {
    expect(answerOf(503, { statusCode: 503 }, 5_000)).toEqual({ type: 'unavailable', retryAfterMs: 5_000 });
    expect(answerOf(429, null, undefined)).toEqual({ type: 'unavailable' });
    expect(answerOf(502, '<html>', undefined)).toEqual({ type: 'unavailable' });
    expect(answerOf(200, '<html>captive portal</html>', undefined)).toEqual({ type: 'refused', status: 200, message: 'central answered 200' });
    expect(answerOf(409, { divergentIndex: 4, message: 'entry 4 differs' }, undefined)).toEqual({ type: 'refused', status: 409, message: 'entry 4 differs' });
    expect(answerOf(409, { expectedIndex: 0 }, undefined).type).withContext('no index 0 is ever expected').toBe('refused');
    expect(answerOf(200, { acknowledgedIndex: -1 }, undefined).type).toBe('refused');
    expect(answerOf(400, { message: 'x'.repeat(2_000) }, undefined)).toEqual({ type: 'refused', status: 400, message: 'x'.repeat(500) });
  });
});
