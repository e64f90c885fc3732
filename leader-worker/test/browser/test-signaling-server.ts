// A PeerServer (the `peer` package, as central mounts it) on 127.0.0.1 for the Chromium specs, which a spec
// can stop and start again on the same port: what the clinic sees when central or the router goes away.
// Node only (the runner); the page reaches its controls through a function the runner exposes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import express from 'express';
import { ExpressPeerServer } from 'peer';

export const testSignalingPath = '/peerjs';
export const testSignalingKey = 'clinic-mesh-test';

export class TestSignalingServer {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  get port(): number {
    return this.boundPort;
  }

  get running(): boolean {
    return this.server !== null;
  }

  /** Listens on the port it had before (a free one the first time). */
  async start(): Promise<void> {
    if (this.server !== null) return;
    const app = express();
    const server = createServer(app);
    app.use(testSignalingPath, ExpressPeerServer(server, { path: '/', key: testSignalingKey, allow_discovery: false, alive_timeout: 10_000 }));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', resolve);
    });
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Drops every signaling connection at once, as a dead server does; data channels between pages stay. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
