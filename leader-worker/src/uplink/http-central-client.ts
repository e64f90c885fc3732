// The uplink's client of the central API over fetch (it runs in the node's Worker, where fetch and
// CompressionStream exist; so does Node). Upload bodies go gzip-compressed: JSON with base64 command bytes
// compresses to a fraction, and the clinic pays for every byte on its cellular link. Every outcome is a typed
// answer, never a rejection: the link drops at any moment, and that is an answer too.
import { assert } from '../invariants/assert.js';
import type { CentralClient } from './central-client.js';
import type { UploadLogBody } from './central-protocol.js';
import type { CentralAnswer } from './uplink-decisions.js';

export interface HttpCentralClientOptions {
  /** Where the API is, with its prefix: 'https://central.example.org/api'. */
  readonly apiUrl: string;
  readonly clinicId: string;
  /** The device's credential (Authorization: Bearer). */
  readonly credential: string;
  /** A request not answered within this is abandoned as 'unavailable' (a dead link often just goes silent). */
  readonly requestTimeoutMs?: number;
  /** Compress upload bodies (gzip). On unless a test needs to see the plain body. */
  readonly compressUploads?: boolean;
  /** Injected for tests; the platform's fetch otherwise. */
  readonly fetch?: typeof fetch;
}

/** Long enough for a batch over a slow 3G link at the peak; short enough that a silent link is noticed. */
export const defaultRequestTimeoutMs = 30_000;
/** Longest refusal message kept from central's answer (it is shown to ops and on the status panel). */
const refusalMessageCharactersMax = 500;

export class HttpCentralClient implements CentralClient {
  private readonly fetch: typeof fetch;
  private readonly logUrl: string;

  constructor(private readonly options: HttpCentralClientOptions) {
    assert(/^https?:\/\//.test(options.apiUrl), `apiUrl must be an http(s) URL, not ${options.apiUrl}`);
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.logUrl = `${options.apiUrl.replace(/\/+$/, '')}/clinics/${encodeURIComponent(options.clinicId)}/log`;
  }

  acknowledgedIndex(): Promise<CentralAnswer> {
    return this.request(`${this.logUrl}/ack`, { method: 'GET' });
  }

  async upload(body: UploadLogBody): Promise<CentralAnswer> {
    const json = JSON.stringify(body);
    if (this.options.compressUploads === false) {
      return this.request(this.logUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json });
    }
    const gzipped = await gzip(json);
    return this.request(this.logUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipped });
  }

  private async request(url: string, init: RequestInit): Promise<CentralAnswer> {
    const headers = { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.options.credential}`, accept: 'application/json' };
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs ?? defaultRequestTimeoutMs);
    let response: Response;
    let answer: unknown;
    try {
      response = await this.fetch(url, { ...init, headers, signal: timeout });
      answer = await response.json().catch(() => null);
    } catch {
      // No answer (offline, DNS, reset, timeout): the link, not central, decides; try again later.
      return { type: 'unavailable' };
    }
    return answerOf(response.status, answer, retryAfterMs(response.headers.get('retry-after')));
  }
}

/** A response as the uplink's decisions take it. */
export function answerOf(status: number, body: unknown, retryAfter: number | undefined): CentralAnswer {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (status === 200 && isIndex(fields['acknowledgedIndex'])) return { type: 'acknowledged', acknowledgedIndex: fields['acknowledgedIndex'] };
  if (status === 409 && isIndex(fields['expectedIndex']) && fields['expectedIndex'] >= 1) return { type: 'gap', expectedIndex: fields['expectedIndex'] };
  if (status === 429 || status >= 500) return retryAfter === undefined ? { type: 'unavailable' } : { type: 'unavailable', retryAfterMs: retryAfter };
  const message = typeof fields['message'] === 'string' ? fields['message'] : `central answered ${status}`;
  // A 200 without an index is a proxy or a captive portal answering for central: refused, for a person to see.
  return { type: 'refused', status, message: message.slice(0, refusalMessageCharactersMax) };
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Retry-After in seconds (the form central sends); an HTTP date or nonsense is ignored. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

async function gzip(text: string): Promise<ArrayBuffer> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}
