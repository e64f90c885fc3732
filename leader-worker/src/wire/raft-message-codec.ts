// The one binary encoding of Raft messages between devices: MessagePack (command bytes travel as binary,
// not base64), with a size limit checked before decoding and full validation after. A message that fails
// either is dropped and counted by the caller; the node keeps running.
import { decode, encode } from '@msgpack/msgpack';
import type { Message } from '../raft/types.js';
import { parseRaftMessage, type ParseResult } from './raft-message-validation.js';

export interface WireLimits {
  /** Any message but a snapshot: above the core's messageBytesMax (1 MiB) plus framing. */
  readonly messageBytesMax: number;
  /** A snapshot carries the whole clinic state; until snapshots are sent in chunks it needs its own bound. */
  readonly snapshotMessageBytesMax: number;
}

export const defaultWireLimits: WireLimits = {
  messageBytesMax: 2 << 20,
  snapshotMessageBytesMax: 256 << 20,
};

export function encodeRaftMessage(message: Message): Uint8Array {
  // `ignoreUndefined` keeps the bytes identical however an optional field was left out.
  return encode(message, { ignoreUndefined: true });
}

export function decodeRaftMessage(bytes: Uint8Array, limits: WireLimits = defaultWireLimits): ParseResult<Message> {
  if (bytes.byteLength > limits.snapshotMessageBytesMax) {
    return { ok: false, reason: `message of ${bytes.byteLength} bytes is over the limit of ${limits.snapshotMessageBytesMax}` };
  }
  let value: unknown;
  try {
    value = decode(bytes);
  } catch (error) {
    return { ok: false, reason: `not MessagePack: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = parseRaftMessage(value);
  if (parsed.ok && parsed.value.type !== 'installSnapshot' && bytes.byteLength > limits.messageBytesMax) {
    return { ok: false, reason: `${parsed.value.type} message of ${bytes.byteLength} bytes is over the limit of ${limits.messageBytesMax}` };
  }
  return parsed;
}
