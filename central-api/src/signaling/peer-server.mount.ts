// Mounts PeerServer (the `peer` package) on the API's own HTTP server at /peerjs, so clinics need no other
// signaling host. Discovery (listing every connected peer) is off. Registering an id needs the token central
// issued for it: the WebSocket handshake is refused (401) otherwise, before PeerServer sees it.
import type { IncomingMessage, Server } from 'node:http';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer } from 'ws';
import { PeerTokens } from './peer-tokens.service.js';
import { peerServerSettings } from './signaling-settings.js';

type VerifyCallback = (accepted: boolean, code?: number, message?: string) => void;

@Injectable()
export class PeerServerMount implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('PeerServer');
  private socketServer: WebSocketServer | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly tokens: PeerTokens,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as typeof this.adapterHost.httpAdapter | undefined;
    if (adapter === undefined) return; // a testing module without an HTTP server
    const peerServer = ExpressPeerServer(adapter.getHttpServer() as Server, {
      key: peerServerSettings.key,
      path: '/',
      allow_discovery: false,
      concurrent_limit: peerServerSettings.peersConnectedMax,
      alive_timeout: peerServerSettings.aliveTimeoutMs,
      createWebSocketServer: (options) => {
        this.socketServer = new WebSocketServer({ ...options, verifyClient: (info, callback) => this.verify(info.req, callback) });
        return this.socketServer;
      },
    });
    peerServer.on('error', (error: Error) => this.logger.warn(`PeerServer: ${error.message}`));
    adapter.use(peerServerSettings.path, peerServer);
  }

  /**
   * Before the HTTP server closes: open signaling sockets would keep it from closing. PeerServer 1.0 has no
   * way to stop its two housekeeping timers; they only touch its own (now empty) memory.
   */
  onModuleDestroy(): void {
    for (const client of this.socketServer?.clients ?? []) client.terminate();
    this.socketServer?.close();
  }

  private verify(request: IncomingMessage, callback: VerifyCallback): void {
    const query = new URL(request.url ?? '/', 'http://peer.invalid').searchParams;
    const peerId = query.get('id') ?? '';
    const token = query.get('token') ?? '';
    this.tokens.verify(peerId, token).then(
      (valid) => (valid ? callback(true) : callback(false, 401, 'a peer id needs the token central issued for it')),
      (error: unknown) => {
        this.logger.error(`Checking a peer token failed: ${String(error)}`);
        callback(false, 503, 'the peer token could not be checked');
      },
    );
  }
}
