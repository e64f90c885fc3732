// The load generator's HTTP client: node:http over one keep-alive agent to the API on loopback, lighter per
// request than fetch, with a timeout on every request and a count of requests in flight (to show the
// generator was not holding requests back).
import http from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

export interface HttpLoadClientOptions {
  readonly port: number;
  readonly socketsMax: number;
  readonly timeoutMs: number;
}

/** A request that got no HTTP answer: the reason is a short name for the error breakdown ('timeout', 'ECONNRESET'). */
export class HttpFailure extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

const host = '127.0.0.1';
/**
 * Idle sockets are closed by us before Node's server closes them (its keepAliveTimeout, 5 s by default):
 * otherwise a request sent on a socket just as the server closes it fails with ECONNRESET, a race of
 * keep-alive that browsers answer by retrying and that says nothing about the API's speed.
 */
const idleSocketMs = 4_000;

export class HttpLoadClient {
  private readonly agent: http.Agent;
  private inFlight = 0;
  private inFlightPeak = 0;

  constructor(private readonly options: HttpLoadClientOptions) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.socketsMax, maxFreeSockets: options.socketsMax, timeout: idleSocketMs });
  }

  /** JSON in (already encoded) and text out; rejects with HttpFailure when no answer came. No token: no Authorization. */
  send(method: string, path: string, token: string | undefined, body?: string): Promise<HttpAnswer> {
    const headers: http.OutgoingHttpHeaders = token === undefined ? {} : { authorization: `Bearer ${token}` };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    this.inFlight++;
    this.inFlightPeak = Math.max(this.inFlightPeak, this.inFlight);
    return new Promise<HttpAnswer>((resolve, reject) => {
      const request = http.request(
        { agent: this.agent, host, port: this.options.port, method, path, headers, signal: AbortSignal.timeout(this.options.timeoutMs) },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', (error) => reject(failure(error)));
        },
      );
      request.on('error', (error) => reject(failure(error)));
      request.end(body);
    }).finally(() => {
      this.inFlight--;
    });
  }

  /** The most requests in flight at once since the last call. */
  takeInFlightPeak(): number {
    const peak = this.inFlightPeak;
    this.inFlightPeak = this.inFlight;
    return peak;
  }

  /** Sockets open to the API now (busy and idle). */
  openSockets(): number {
    const count = (lists: NodeJS.ReadOnlyDict<unknown[]>) => Object.values(lists).reduce((sum, list) => sum + (list?.length ?? 0), 0);
    return count(this.agent.sockets) + count(this.agent.freeSockets);
  }

  close(): void {
    this.agent.destroy();
  }
}

function failure(error: Error): HttpFailure {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return new HttpFailure('timeout', error.message);
  const code = (error as NodeJS.ErrnoException).code;
  return new HttpFailure(code ?? error.name, error.message);
}
