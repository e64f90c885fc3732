// Readers for the fields of a decoded, untrusted peer message. Each returns the field as its type or throws
// Invalid saying which field is wrong and why; `parseWith` turns that into a ParseResult, so one malformed
// message becomes one counted drop, never an exception in the node.
import { isNodeId, nodeIdLengthMax } from '../raft/node-id.js';

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export class Invalid extends Error {}

export type Fields = Record<string, unknown>;

export function parseWith<T>(read: (value: unknown) => T, value: unknown): ParseResult<T> {
  try {
    return { ok: true, value: read(value) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, reason: error.message };
    throw error;
  }
}

export function record(value: unknown, where: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new Invalid(`${where} must be an object`);
  }
  return value as Fields;
}

export function list(value: unknown, where: string, lengthMax: number): unknown[] {
  if (!Array.isArray(value)) throw new Invalid(`${where} must be an array`);
  if (value.length > lengthMax) throw new Invalid(`${where} holds ${value.length} items, over the limit of ${lengthMax}`);
  return value;
}

export function count(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new Invalid(`${where} must be a non-negative integer`);
  return value;
}

export function flag(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new Invalid(`${where} must be true or false`);
  return value;
}

export function nodeId(value: unknown, where: string): string {
  if (!isNodeId(value)) throw new Invalid(`${where} must be a node id of 1 to ${nodeIdLengthMax} characters`);
  return value;
}

export function bytes(value: unknown, where: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new Invalid(`${where} must be bytes`);
  return value;
}

/** Bytes of `lengthMin` to `lengthMax` (certificates, keys, signatures, nonces). */
export function boundedBytes(value: unknown, where: string, lengthMax: number, lengthMin = 1): Uint8Array {
  const read = bytes(value, where);
  if (read.byteLength < lengthMin || read.byteLength > lengthMax) throw new Invalid(`${where} must be ${lengthMin} to ${lengthMax} bytes`);
  return read;
}
