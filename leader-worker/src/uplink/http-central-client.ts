// The uplink's client of the central API over fetch (it runs in the node's Worker, where fetch and
// CompressionStream exist; so does Node). Upload bodies go as gzip-compressed MessagePack (log-batch-encoding.ts):
// the clinic pays for every byte on its cellular link. Every outcome is a typed answer, never a rejection: the
// link drops at any moment, and that is an answer too.
import { assert } from '../invariants/assert.js';
import type { CentralClient } from './central-client.js';
import type { FeedAnswer } from '../feed-import/feed-import-decisions.js';
import type { AcquireAnswer, ReleaseAnswer } from '../chart-leases/lease-keeper-decisions.js';
import { feedItemKinds, type FeedItem, type HorizonProgress, type UploadLogBody } from './central-protocol.js';
import { encodeLogBatch, logBatchMediaType } from './log-batch-encoding.js';
import type { CentralAnswer } from './uplink-decisions.js';

export interface HttpCentralClientOptions {
  /** Where the API is, with its prefix: 'https://central.example.org/api'. */
  readonly apiUrl: string;
  readonly clinicId: string;
  /** The device's credential (Authorization: Bearer). */
  readonly credential: string;
  /** A request not answered within this is abandoned as 'unavailable' (a dead link often just goes silent). */
  readonly requestTimeoutMs?: number;
  /**
   * 'binary' (the default): MessagePack, gzip-compressed (log-batch-encoding.ts), the fewest bytes on the link.
   * 'json': the JSON body, gzip-compressed, for a proxy that only passes JSON.
   */
  readonly uploadEncoding?: 'binary' | 'json';
  /** Injected for tests; the platform's fetch otherwise. */
  readonly fetch?: typeof fetch;
}

/** Long enough for a batch over a slow 3G link at the peak; short enough that a silent link is noticed. */
export const defaultRequestTimeoutMs = 30_000;
/** A long-poll is given its wait and this much more before it counts as a dead link. */
const longPollMarginMs = 10_000;
/** Of an answer that is not what was asked for, the characters a refusal quotes. */
const unexpectedAnswerCharactersShown = 120;
/** Longest refusal message kept from central's answer (it is shown to ops and on the status panel). */
const refusalMessageCharactersMax = 500;

export class HttpCentralClient implements CentralClient {
  private readonly fetch: typeof fetch;
  private readonly apiUrl: string;
  private readonly clinicUrl: string;

  constructor(private readonly options: HttpCentralClientOptions) {
    assert(/^https?:\/\//.test(options.apiUrl), `apiUrl must be an http(s) URL, not ${options.apiUrl}`);
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.clinicUrl = `${this.apiUrl}/clinics/${encodeURIComponent(options.clinicId)}`;
  }

  acknowledgedIndex(): Promise<CentralAnswer> {
    return this.request(`${this.clinicUrl}/log/ack`, { method: 'GET' });
  }

  async upload(body: UploadLogBody): Promise<CentralAnswer> {
    const binary = this.options.uploadEncoding !== 'json';
    const encoded = binary ? encodeLogBatch(body) : new TextEncoder().encode(JSON.stringify(body));
    const headers = { 'content-type': binary ? logBatchMediaType : 'application/json', 'content-encoding': 'gzip' };
    return this.request(`${this.clinicUrl}/log`, { method: 'POST', headers, body: await gzip(encoded) });
  }

  async readFeed(query: { readonly afterSequence: number; readonly limit: number; readonly waitMs: number }, abandon?: AbortSignal): Promise<FeedAnswer> {
    const url = `${this.clinicUrl}/feed?afterSequence=${query.afterSequence}&limit=${query.limit}&waitMs=${query.waitMs}`;
    const timeoutMs = Math.max(this.options.requestTimeoutMs ?? defaultRequestTimeoutMs, query.waitMs + longPollMarginMs);
    const answered = await this.exchange(url, { method: 'GET' }, timeoutMs, abandon);
    if (answered === null) return { type: 'unavailable' };
    const { status, body, retryAfter } = answered;
    if (status === 200) {
      const items = fieldsOf(body)['items'];
      // A 200 that is not a page (a captive portal, a proxy) is refused, for a person to see.
      if (!Array.isArray(items) || !items.every(isFeedItem)) {
        return { type: 'refused', status, message: `central answered the feed with something that is not a page of items: ${beginningOf(answered.text)}` };
      }
      const horizon = horizonProgressOf(fieldsOf(body)['horizon']);
      // Only lets the import read ahead: a page without it (an older central) is read one at a time.
      const lastSequence = fieldsOf(body)['lastSequence'];
      const feedLastSequence = typeof lastSequence === 'number' && Number.isSafeInteger(lastSequence) && lastSequence >= 0 ? lastSequence : undefined;
      return { type: 'items', items, ...(horizon === null ? {} : { horizon }), ...(feedLastSequence === undefined ? {} : { feedLastSequence }) };
    }
    return failureOf(status, fieldsOf(body), retryAfter);
  }

  async acquireLease(patientId: string): Promise<AcquireAnswer> {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ patientId }) };
    const answered = await this.exchange(`${this.clinicUrl}/leases`, init);
    if (answered === null) return { type: 'unavailable' };
    const { status, body, retryAfter } = answered;
    const fields = fieldsOf(body);
    const expiresAtMs = typeof fields['expiresAt'] === 'string' ? Date.parse(fields['expiresAt']) : Number.NaN;
    const epoch = fields['epoch'];
    const wellFormed = isIndex(epoch) && epoch >= 1 && Number.isSafeInteger(expiresAtMs);
    if ((status === 200 || status === 201) && wellFormed && typeof fields['leaseId'] === 'string') {
      return { type: 'granted', leaseId: fields['leaseId'], epoch, expiresAtMs };
    }
    if (status === 409 && wellFormed && typeof fields['heldBy'] === 'string') return { type: 'heldElsewhere', holderClinicId: fields['heldBy'], epoch, expiresAtMs };
    return failureOf(status, fields, retryAfter);
  }

  async releaseLease(leaseId: string): Promise<ReleaseAnswer> {
    const url = `${this.apiUrl}/leases/${encodeURIComponent(leaseId)}`;
    const answered = await this.exchange(url, { method: 'DELETE' });
    if (answered === null) return { type: 'unavailable' };
    if (answered.status === 204) return { type: 'released' };
    // No such lease: nothing of the clinic's is held under it (central forgot it, or never had it).
    if (answered.status === 404) return { type: 'gone' };
    return failureOf(answered.status, fieldsOf(answered.body), answered.retryAfter);
  }

  private async request(url: string, init: RequestInit): Promise<CentralAnswer> {
    const answered = await this.exchange(url, init);
    return answered === null ? { type: 'unavailable' } : answerOf(answered.status, answered.body, answered.retryAfter);
  }

  /** One request with the credential; null when no answer came (offline, DNS, reset, timeout). */
  private async exchange(url: string, init: RequestInit, timeoutMs = this.options.requestTimeoutMs ?? defaultRequestTimeoutMs, abandon?: AbortSignal): Promise<Exchanged | null> {
    const headers = { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.options.credential}`, accept: 'application/json' };
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await this.fetch(url, { ...init, headers, signal: abandon === undefined ? timeout : AbortSignal.any([timeout, abandon]) });
      // Read whole before parsing: a body cut off on the way (the link, the timeout) is no answer, while a whole
      // body that is not JSON (a captive portal's page) is an answer to show.
      const text = await response.text();
      return { status: response.status, body: parsedOrNull(text), text, retryAfter: retryAfterMs(response.headers.get('retry-after')) };
    } catch {
      // No answer: the link, not central, decides; try again later.
      return null;
    }
  }
}

/** The shape of one feed item; whether its payload is a command this device takes is the import's to decide. */
function isFeedItem(value: unknown): value is FeedItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  return typeof item['cursor'] === 'string' && isIndex(item['sequence']) && (feedItemKinds as readonly unknown[]).includes(item['kind'])
    && typeof item['createdAt'] === 'string' && 'payload' in item;
}

/** The horizon download's progress a page carries, or null (none, or not well formed: progress is only shown). */
function horizonProgressOf(value: unknown): HorizonProgress | null {
  const fields = fieldsOf(value);
  const { revision, patientsTotal, patientsReceived, patientsReceivedWithPage, queueing } = fields;
  const count = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  return count(revision) && count(patientsTotal) && count(patientsReceived) && count(patientsReceivedWithPage) && typeof queueing === 'boolean'
    ? { revision, patientsTotal, patientsReceived, patientsReceivedWithPage, queueing }
    : null;
}

/** A response as the uplink's decisions take it. */
export function answerOf(status: number, body: unknown, retryAfter: number | undefined): CentralAnswer {
  const fields = fieldsOf(body);
  if (status === 200 && isIndex(fields['acknowledgedIndex'])) {
    const skew = fields['clockSkewMs'];
    const clock = typeof skew === 'number' && Number.isSafeInteger(skew) ? { clockSkewMs: skew } : {};
    return { type: 'acknowledged', acknowledgedIndex: fields['acknowledgedIndex'], ...clock };
  }
  if (status === 409 && isIndex(fields['expectedIndex']) && fields['expectedIndex'] >= 1) return { type: 'gap', expectedIndex: fields['expectedIndex'] };
  // A 200 without an index is a proxy or a captive portal answering for central: refused, for a person to see.
  return failureOf(status, fields, retryAfter);
}

interface Exchanged {
  readonly status: number;
  /** The body as JSON, or null when it is not JSON. */
  readonly body: unknown;
  readonly text: string;
  readonly retryAfter: number | undefined;
}

type Failure = { readonly type: 'unavailable'; readonly retryAfterMs?: number } | { readonly type: 'refused'; readonly status: number; readonly message: string };

/** Any answer that is not a success: 429 and 5xx to retry later, the rest refused for a person to see. */
function failureOf(status: number, fields: Record<string, unknown>, retryAfter: number | undefined): Failure {
  if (status === 429 || status >= 500) return retryAfter === undefined ? { type: 'unavailable' } : { type: 'unavailable', retryAfterMs: retryAfter };
  const message = typeof fields['message'] === 'string' ? fields['message'] : `central answered ${status}`;
  return { type: 'refused', status, message: message.slice(0, refusalMessageCharactersMax) };
}

function parsedOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Enough of an unexpected answer for a person to tell what sent it (a portal's title, a proxy's error). */
function beginningOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return 'an empty body';
  return flat.length <= unexpectedAnswerCharactersShown ? flat : `${flat.slice(0, unexpectedAnswerCharactersShown)}...`;
}

function fieldsOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Retry-After in seconds (the form central sends); an HTTP date or nonsense is ignored. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

async function gzip(bytes: Uint8Array): Promise<ArrayBuffer> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}
