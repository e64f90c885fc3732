// The uplink bench's baseline: a plain REST server that takes one JSON resource per POST and answers 201 with
// an id and a Location, as a record server answering one request per resource would.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export class PlainRestServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<PlainRestServer> {
    const server = createServer((request, response) => {
      let length = 0;
      request.on('data', (chunk: Buffer) => (length += chunk.length));
      request.on('end', () => {
        const id = randomUUID();
        const body = JSON.stringify({ id, received: length });
        response.writeHead(201, { 'content-type': 'application/json', location: `${request.url ?? '/'}/${id}`, 'content-length': Buffer.byteLength(body) });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new PlainRestServer(server, (server.address() as AddressInfo).port);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
