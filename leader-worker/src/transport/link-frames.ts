// The frames of one link between two devices over a WebRTC data channel (PeerJS with 'raw' serialization:
// the channel carries our bytes and nothing else). A channel message is one frame: a kind byte, then a body.
// A Raft message travels as one or more chunks, because Chrome refuses a data channel message over its
// max-message-size (256 KiB) and a snapshot is far larger; the channel is ordered and reliable, so chunks
// arrive in order and a message is their concatenation. Pure: no I/O.
import { assert } from '../invariants/assert.js';

export const linkFrameKinds = {
  /** A step of the connection's handshake (device identity); its body belongs to the authenticator. */
  handshake: 1,
  /** "Still here": the body is empty. */
  heartbeat: 2,
  /** Part of a message, more to come. */
  chunk: 3,
  /** The last (or only) part of a message. */
  lastChunk: 4,
  /** The sender closes this link on purpose; the body is empty. */
  goodbye: 5,
} as const;

export type LinkFrame =
  | { readonly kind: 'handshake'; readonly body: Uint8Array }
  | { readonly kind: 'heartbeat' }
  | { readonly kind: 'chunk'; readonly body: Uint8Array; readonly last: boolean }
  | { readonly kind: 'goodbye' };

export interface LinkFrameLimits {
  /** Largest channel message we send: well under Chrome's 256 KiB, so a frame never waits behind a huge one. */
  readonly frameBytesMax: number;
  /** Largest handshake frame accepted: a certificate and a signature, with room to spare. */
  readonly handshakeBytesMax: number;
}

export const defaultLinkFrameLimits: LinkFrameLimits = { frameBytesMax: 64 << 10, handshakeBytesMax: 8 << 10 };

export function encodeControlFrame(kind: 'heartbeat' | 'goodbye'): Uint8Array {
  return Uint8Array.of(linkFrameKinds[kind]);
}

export function encodeHandshakeFrame(body: Uint8Array, limits: LinkFrameLimits = defaultLinkFrameLimits): Uint8Array {
  assert(body.byteLength + 1 <= limits.handshakeBytesMax, 'a handshake frame must fit handshakeBytesMax');
  return withKind(linkFrameKinds.handshake, body);
}

/** The frames that carry `message`: each at most frameBytesMax, the last one marked; an empty message is one frame. */
export function chunkMessage(message: Uint8Array, limits: LinkFrameLimits = defaultLinkFrameLimits): Uint8Array[] {
  const bodyBytesMax = limits.frameBytesMax - 1;
  assert(bodyBytesMax >= 1, 'frameBytesMax must leave room for a body');
  const frames: Uint8Array[] = [];
  for (let start = 0; start === 0 || start < message.byteLength; start += bodyBytesMax) {
    const end = Math.min(message.byteLength, start + bodyBytesMax);
    frames.push(withKind(end === message.byteLength ? linkFrameKinds.lastChunk : linkFrameKinds.chunk, message.subarray(start, end)));
  }
  return frames;
}

export type FrameParse = { readonly ok: true; readonly frame: LinkFrame } | { readonly ok: false; readonly reason: string };

/** Reads one channel message. The body is a view into `bytes`: copy it before keeping it past the next frame. */
export function decodeLinkFrame(bytes: Uint8Array, limits: LinkFrameLimits = defaultLinkFrameLimits): FrameParse {
  if (bytes.byteLength === 0) return { ok: false, reason: 'an empty frame' };
  if (bytes.byteLength > limits.frameBytesMax) return { ok: false, reason: `a frame of ${bytes.byteLength} bytes, over frameBytesMax ${limits.frameBytesMax}` };
  const body = bytes.subarray(1);
  switch (bytes[0]) {
    case linkFrameKinds.handshake:
      if (bytes.byteLength > limits.handshakeBytesMax) return { ok: false, reason: `a handshake frame of ${bytes.byteLength} bytes, over handshakeBytesMax ${limits.handshakeBytesMax}` };
      return { ok: true, frame: { kind: 'handshake', body } };
    case linkFrameKinds.heartbeat:
      return body.byteLength === 0 ? { ok: true, frame: { kind: 'heartbeat' } } : { ok: false, reason: 'a heartbeat with a body' };
    case linkFrameKinds.goodbye:
      return body.byteLength === 0 ? { ok: true, frame: { kind: 'goodbye' } } : { ok: false, reason: 'a goodbye with a body' };
    case linkFrameKinds.chunk:
      return { ok: true, frame: { kind: 'chunk', body, last: false } };
    case linkFrameKinds.lastChunk:
      return { ok: true, frame: { kind: 'chunk', body, last: true } };
    default:
      return { ok: false, reason: `unknown frame kind ${bytes[0]}` };
  }
}

/**
 * Joins the chunks of one message at a time. A peer that sends more than `messageBytesMax` before the last
 * chunk is refused before it can fill memory: the caller closes the link.
 */
export class MessageReassembly {
  private parts: Uint8Array[] = [];
  private bytesSoFar = 0;
  // Invariant: bytesSoFar is the sum of the parts' lengths and never above messageBytesMax.

  constructor(private readonly messageBytesMax: number) {
    assert(Number.isInteger(messageBytesMax) && messageBytesMax > 0, 'messageBytesMax must be a positive integer');
  }

  /** A whole message when `last`, null while more is to come; 'tooLarge' when the message passes the limit. */
  add(body: Uint8Array, last: boolean): Uint8Array | null | 'tooLarge' {
    if (this.bytesSoFar + body.byteLength > this.messageBytesMax) {
      this.reset();
      return 'tooLarge';
    }
    // The body is a view of the channel's buffer: copy it (once, here, or when joining).
    if (last && this.parts.length === 0) return body.slice();
    this.parts.push(body.slice());
    this.bytesSoFar += body.byteLength;
    if (!last) return null;
    const message = new Uint8Array(this.bytesSoFar);
    let offset = 0;
    for (const part of this.parts) {
      message.set(part, offset);
      offset += part.byteLength;
    }
    this.reset();
    return message;
  }

  /** Bytes held for a message not finished yet. */
  get pendingBytes(): number {
    return this.bytesSoFar;
  }

  private reset(): void {
    this.parts = [];
    this.bytesSoFar = 0;
  }
}

function withKind(kind: number, body: Uint8Array): Uint8Array {
  const frame = new Uint8Array(body.byteLength + 1);
  frame[0] = kind;
  frame.set(body, 1);
  return frame;
}
