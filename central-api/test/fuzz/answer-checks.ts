// The properties every generated request must keep, checked by throwing (so fast-check shrinks the input and
// prints its seed): never a 5xx; a refusal is a JSON error whose message a person can read, and it changes
// nothing stored; an accepted request answers in its route's shape; the status is one the OpenAPI document
// gives the operation.
import type { FuzzWorld } from './fuzz-world.js';
import { describeRequest, type FuzzRequest, type FuzzResponse } from './http-exchange.js';
import { changedTables } from './stored-digest.js';

export type FieldKind = 'string' | 'number' | 'array' | 'object' | 'date-time' | { readonly equals: unknown };
export type AnswerFields = Readonly<Record<string, FieldKind>>;

export interface Expectations {
  /** Throws unless an accepted answer has the route's shape; unset: any 2xx is fine. */
  readonly expectAccepted?: (response: FuzzResponse) => void;
  /** The request must be refused: with a 4xx, or with one of these statuses. */
  readonly refusedWith?: '4xx' | readonly number[];
}

/** Words of a database error or a stack trace: a message that holds them leaks internals and helps nobody. */
const internalDetails = /\n\s+at |node_modules|QueryFailedError|duplicate key|violates .* constraint|syntax error at or near|relation "|Internal server error/i;
/** Answer characters shown when a check fails. */
const shownAnswerCharactersMax = 300;

/** Sends the request and checks the answer and what is stored; returns the answer for further checks. */
export async function sendAndCheck(world: FuzzWorld, request: FuzzRequest, expectations: Expectations = {}): Promise<FuzzResponse> {
  const before = await world.storedDigest();
  const response = await world.send(request);
  const problem = answerProblem(request, response, expectations) ?? world.documented.problem(request, response.status);
  const changed = response.status >= 400 ? changedTables(before, await world.storedDigest()).filter((table) => !changesOfRefusal(response).includes(table)) : [];
  const failure = problem ?? (changed.length > 0 ? `a refused request changed what is stored (tables ${changed.join(', ')})` : null);
  if (failure !== null) {
    throw new Error(`${failure}\n  request: ${describeRequest(request)}\n  answer: ${response.status} ${response.text.slice(0, shownAnswerCharactersMax)}`);
  }
  return response;
}

function answerProblem(request: FuzzRequest, response: FuzzResponse, expectations: Expectations): string | null {
  if (response.status >= 500) return `a ${response.status}`;
  const refusedWith = expectations.refusedWith;
  if (refusedWith === '4xx' ? response.status < 400 : refusedWith !== undefined && !refusedWith.includes(response.status)) {
    return `expected a refusal with ${refusedWith === '4xx' ? refusedWith : refusedWith!.join(' or ')}, got ${response.status}`;
  }
  if (response.status >= 400) return request.method === 'HEAD' ? null : errorBodyProblem(response);
  try {
    expectations.expectAccepted?.(response);
  } catch (error) {
    return `an accepted request answered out of shape: ${(error as Error).message}`;
  }
  return null;
}

/** A refusal answers JSON `{ statusCode, error, message }` (plus a route's own fields). */
function errorBodyProblem(response: FuzzResponse): string | null {
  const body = response.json as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null) return 'a refusal without a JSON body';
  if (body['statusCode'] !== response.status) return `statusCode ${String(body['statusCode'])} in a ${response.status} answer`;
  if (typeof body['error'] !== 'string' || body['error'] === '') return 'a refusal without its reason phrase in `error`';
  const message = body['message'];
  if (typeof message !== 'string' || message.trim() === '') return 'a refusal without a message';
  if (internalDetails.test(message)) return 'a refusal whose message shows internals';
  return null;
}

/** What a refusal may store by design: an upload differing from the stored log is recorded for ops. */
function changesOfRefusal(response: FuzzResponse): readonly string[] {
  const body = response.json as Record<string, unknown> | undefined;
  return response.status === 409 && typeof body?.['divergentIndex'] === 'number' ? ['log_divergences'] : [];
}

/** Throws unless the answer is JSON with one of the statuses and the fields of the given kinds. */
export function expectJsonAnswer(response: FuzzResponse, statuses: readonly number[], fields: AnswerFields): void {
  if (!statuses.includes(response.status)) throw new Error(`status ${response.status}, not ${statuses.join(' or ')}`);
  const body = response.json as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null) throw new Error('not a JSON object');
  for (const [name, kind] of Object.entries(fields)) {
    if (!hasKind(body[name], kind)) throw new Error(`${name} is ${JSON.stringify(body[name])}, not ${typeof kind === 'string' ? kind : JSON.stringify(kind.equals)}`);
  }
}

function hasKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'date-time':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    default:
      return value === kind.equals;
  }
}
