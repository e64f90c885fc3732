// Sends one generated request exactly as generated (any method, header, content type or bytes: fetch would
// refuse or rewrite some of them) and reads the answer.
import { Agent, type IncomingHttpHeaders, request as httpRequest } from 'node:http';

export interface FuzzRequest {
  readonly method: string;
  /** Path and query, already percent-encoded where the generator meant it to be. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export interface FuzzResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The parsed body when the answer says it is JSON (undefined when it is not, or does not parse). */
  readonly json: unknown;
}

/** Requests characters shown in a failure's context: enough to recognise a body, not a megabyte of it. */
const describedCharactersMax = 400;

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

export function exchange(baseUrl: string, request: FuzzRequest, timeoutMs: number): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    // The path goes as given: a URL string would be normalised first (dot segments resolved).
    const { hostname, port } = new URL(baseUrl);
    const options = { hostname, port, path: request.path, method: request.method, headers: request.headers, agent, timeout: timeoutMs };
    const outgoing = httpRequest(options, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text, json: jsonOf(incoming.headers, text) });
      });
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms to ${describeRequest(request)}`)));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

export function describeRequest(request: FuzzRequest): string {
  const body = request.body === undefined ? '' : ` ${typeof request.body === 'string' ? request.body : `<${request.body.length} bytes>`}`;
  const text = `${request.method} ${request.path} ${JSON.stringify(request.headers)}${body}`;
  return text.length <= describedCharactersMax ? text : `${text.slice(0, describedCharactersMax)}... (${text.length} characters)`;
}

function jsonOf(headers: IncomingHttpHeaders, text: string): unknown {
  if (!(headers['content-type'] ?? '').includes('application/json')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
