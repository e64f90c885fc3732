// PeerServer mounted on the API's HTTP server, with a real PeerJS-protocol client (the ws package speaking
// PeerJS's JSON messages): ids, registration with central-issued tokens only, relaying, and closing.
import WebSocket from 'ws';
import { call, clinicWithDevice, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase, testPostgresStartTimeoutMs } from '../support/test-postgres.js';

interface PeerCredentials {
  peerId: string;
  token: string;
  path: string;
  key: string;
}

interface PeerMessage {
  type: string;
  src?: string;
  dst?: string;
  payload?: unknown;
}

/** A PeerJS client's socket: it registers on open and hands over the server's messages in order. */
class PeerSocket {
  private readonly received: PeerMessage[] = [];
  private readonly waiters: ((message: PeerMessage) => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as PeerMessage;
      const waiter = this.waiters.shift();
      if (waiter !== undefined) waiter(message);
      else this.received.push(message);
    });
  }

  /** Resolves once the server accepted the handshake; rejects with the HTTP status it refused it with. */
  static open(baseUrl: string, id: string, token: string, key = 'peerjs'): Promise<PeerSocket> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/peerjs/peerjs?key=${key}&id=${encodeURIComponent(id)}&token=${encodeURIComponent(token)}&version=1.5.4`;
    const socket = new WebSocket(url);
    const peer = new PeerSocket(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(peer));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`refused with ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  next(): Promise<PeerMessage> {
    const message = this.received.shift();
    return message !== undefined ? Promise.resolve(message) : new Promise((resolve) => this.waiters.push(resolve));
  }

  send(message: PeerMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  close(): void {
    this.socket.close();
  }
}

describe('PeerServer mounted on the central API', () => {
  let database: TestDatabase;
  let api: TestApp;
  let other: TestApp;
  const sockets: PeerSocket[] = [];

  async function deviceCredentials(app: TestApp, clinicName = 'Kisoro'): Promise<PeerCredentials & { credential: string }> {
    const { credential } = await clinicWithDevice(app, clinicName);
    const response = await call(app.baseUrl, 'GET', '/api/signaling/peer-credentials', { token: credential });
    expect(response.status).toBe(200);
    return { ...(response.body as PeerCredentials), credential };
  }

  async function open(app: TestApp, id: string, token: string): Promise<PeerSocket> {
    const socket = await PeerSocket.open(app.baseUrl, id, token);
    sockets.push(socket);
    return socket;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApp(database.url);
    other = await startTestApp(database.url);
  }, testPostgresStartTimeoutMs);

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await other.close();
    await api.close();
    await database.drop();
  });

  it('answers a PeerJS client asking for an id, and refuses to list peers (discovery is off)', async () => {
    const id = await call(api.baseUrl, 'GET', '/peerjs/peerjs/id');
    expect(id.status).toBe(200);
    expect(id.body).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call(api.baseUrl, 'GET', '/peerjs/peerjs/peers')).status).toBe(401);
    const root = await call(api.baseUrl, 'GET', '/peerjs');
    expect(root.body).toEqual(jasmine.objectContaining({ name: 'PeerJS Server' }));
  });

  it('gives a device its fixed peer id and token; not to admins, not without credentials', async () => {
    const { clinicId, deviceId, credential } = await clinicWithDevice(api);
    const response = await call(api.baseUrl, 'GET', '/api/signaling/peer-credentials', { token: credential });
    expect(response.body).toEqual({ peerId: `${clinicId}_${deviceId}`, token: jasmine.any(String), path: '/peerjs', key: 'peerjs' });
    expect((await call(api.baseUrl, 'GET', '/api/signaling/peer-credentials', { token: api.adminToken })).status).toBe(403);
    expect((await call(api.baseUrl, 'GET', '/api/signaling/peer-credentials')).status).toBe(401);
  });

  it('registers a device\'s peer id with its token: the server answers OPEN', async () => {
    const device = await deviceCredentials(api);
    const socket = await open(api, device.peerId, device.token);
    await expectAsync(socket.next()).toBeResolvedTo({ type: 'OPEN' });
  });

  it('refuses the handshake (401) for a wrong token, another device\'s token, or an id that is not a device\'s', async () => {
    const device = await deviceCredentials(api);
    const otherDevice = await deviceCredentials(api, 'Other');
    const { body: randomId } = await call(api.baseUrl, 'GET', '/peerjs/peerjs/id');
    const attempts: [string, string][] = [
      [device.peerId, 'guessed-token'],
      [device.peerId, otherDevice.token],
      [String(randomId), device.token],
      [`${device.peerId}x`, device.token],
    ];
    for (const [id, token] of attempts) {
      await expectAsync(PeerSocket.open(api.baseUrl, id, token)).withContext(id).toBeRejectedWithError(/refused with 401/);
    }
  });

  it('accepts on every API process a token issued by any of them (one secret in PostgreSQL)', async () => {
    const device = await deviceCredentials(api);
    const socket = await open(other, device.peerId, device.token);
    await expectAsync(socket.next()).toBeResolvedTo({ type: 'OPEN' });
  });

  it('relays signaling between two registered devices, naming the sender', async () => {
    const first = await deviceCredentials(api, 'Relay');
    const second = await deviceCredentials(api, 'Relay');
    const firstSocket = await open(api, first.peerId, first.token);
    const secondSocket = await open(api, second.peerId, second.token);
    await firstSocket.next();
    await secondSocket.next();
    firstSocket.send({ type: 'OFFER', dst: second.peerId, payload: { sdp: 'v=0' } });
    await expectAsync(secondSocket.next()).toBeResolvedTo({ type: 'OFFER', src: first.peerId, dst: second.peerId, payload: { sdp: 'v=0' } });
  });
});

describe('PeerServer when its API process stops', () => {
  it('closes open signaling sockets so the HTTP server can close', async () => {
    const database = await createTestDatabase();
    const api = await startTestApp(database.url);
    try {
      const { credential } = await clinicWithDevice(api);
      const { peerId, token } = (await call(api.baseUrl, 'GET', '/api/signaling/peer-credentials', { token: credential })).body as PeerCredentials;
      const socket = await PeerSocket.open(api.baseUrl, peerId, token);
      const closed = new Promise<void>((resolve) => socket.socket.once('close', () => resolve()));
      const startedMs = performance.now();
      await api.close();
      await closed;
      expect(performance.now() - startedMs).toBeLessThan(5_000);
    } finally {
      await database.drop();
    }
  }, testPostgresStartTimeoutMs);
});
