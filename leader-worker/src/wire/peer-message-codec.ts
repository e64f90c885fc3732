// The one binary encoding of messages between devices: MessagePack (command bytes travel as binary, not
// base64), with a size limit checked before decoding and full validation after. Two kinds travel: Raft
// messages, and the safekeeping messages a device with a full disk uses to hand its writes to a peer; the
// `type` field tells them apart. A message that fails any check is dropped and counted by the caller; the
// node keeps running.
import { decode, encode } from '@msgpack/msgpack';
import type { Message } from '../raft/types.js';
import type { ParseResult } from './field-readers.js';
import { parseRaftMessage } from './raft-message-validation.js';
import { parseSafekeepingMessage, safekeepingMessageTypes, type SafekeepingMessage } from './safekeeping-messages.js';

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

export type PeerMessage = Message | SafekeepingMessage;

export function encodePeerMessage(message: PeerMessage): Uint8Array {
  // `ignoreUndefined` keeps the bytes identical however an optional field was left out.
  return encode(message, { ignoreUndefined: true });
}

export function decodePeerMessage(bytes: Uint8Array, limits: WireLimits = defaultWireLimits): ParseResult<PeerMessage> {
  if (bytes.byteLength > limits.snapshotMessageBytesMax) {
    return { ok: false, reason: `message of ${bytes.byteLength} bytes is over the limit of ${limits.snapshotMessageBytesMax}` };
  }
  let value: unknown;
  try {
    value = decode(bytes);
  } catch (error) {
    return { ok: false, reason: `not MessagePack: ${error instanceof Error ? error.message : String(error)}` };
  }
  const isSafekeeping = typeof value === 'object' && value !== null && safekeepingMessageTypes.has(String((value as { type?: unknown }).type));
  const parsed: ParseResult<PeerMessage> = isSafekeeping ? parseSafekeepingMessage(value) : parseRaftMessage(value);
  if (parsed.ok && parsed.value.type !== 'installSnapshot' && bytes.byteLength > limits.messageBytesMax) {
    return { ok: false, reason: `${parsed.value.type} message of ${bytes.byteLength} bytes is over the limit of ${limits.messageBytesMax}` };
  }
  return parsed;
}
