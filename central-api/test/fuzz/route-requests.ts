// Builds the HTTP request for a route from its parts: path parameters (encoded here unless marked raw), a query
// (pairs, names may repeat), a JSON body or raw bytes, and the caller's credential.
import type { FuzzWorld } from './fuzz-world.js';
import type { FuzzRequest } from './http-exchange.js';
import type { Caller, QueryPairs, RouteCase } from './routes.js';

export interface RequestParts {
  /** Path parameters as they go on the wire (already encoded). Unset: the route's valid ones. */
  readonly encodedParams?: Readonly<Record<string, string>>;
  readonly query?: QueryPairs;
  /** Sent as JSON (application/json). */
  readonly json?: unknown;
  /** Sent as is, with these headers. */
  readonly raw?: { readonly body: string | Buffer; readonly headers: Readonly<Record<string, string>> };
  /** The whole Authorization header; unset: the caller's bearer credential. */
  readonly authorization?: string | null;
  readonly caller?: Caller;
  readonly method?: string;
}

export function tokenOf(world: FuzzWorld, caller: Caller): string {
  return caller === 'admin' ? world.api.adminToken : world.home.credential;
}

/** Who calls the route when the test does not say: the first caller it allows (none for public routes). */
export function defaultCaller(route: RouteCase): Caller | undefined {
  return route.access === 'public' ? undefined : route.access[0];
}

export function routeRequest(world: FuzzWorld, route: RouteCase, parts: RequestParts = {}): FuzzRequest {
  const params = parts.encodedParams ?? encodeAll(route.params?.(world) ?? {});
  const path = route.template.replace(/:(\w+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for :${name} of ${route.template}`);
    return value;
  });
  const query = parts.query === undefined || parts.query.length === 0 ? '' : `?${parts.query.map(([name, value]) => `${percentEncoded(name)}=${percentEncoded(value)}`).join('&')}`;
  const caller = parts.caller ?? defaultCaller(route);
  const authorization = parts.authorization === undefined ? (caller === undefined ? null : `Bearer ${tokenOf(world, caller)}`) : parts.authorization;
  const headers: Record<string, string> = authorization === null ? {} : { authorization };
  if (parts.raw !== undefined) return { method: parts.method ?? route.method, path: path + query, headers: { ...headers, ...parts.raw.headers }, body: parts.raw.body };
  if (parts.json !== undefined) {
    return { method: parts.method ?? route.method, path: path + query, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(parts.json) };
  }
  return { method: parts.method ?? route.method, path: path + query, headers };
}

function encodeAll(params: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, percentEncoded(value)]));
}

/** Percent-encodes the UTF-8 bytes of any string (encodeURIComponent throws on a lone surrogate). */
export function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => (isUnreserved(byte) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

function isUnreserved(byte: number): boolean {
  const character = String.fromCharCode(byte);
  return /^[A-Za-z0-9\-._~]$/.test(character);
}
