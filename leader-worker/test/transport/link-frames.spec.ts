import {
  chunkMessage,
  decodeLinkFrame,
  defaultLinkFrameLimits,
  encodeControlFrame,
  encodeHandshakeFrame,
  linkFrameKinds,
  MessageReassembly,
  type LinkFrameLimits,
} from '../../src/transport/link-frames.js';

const small: LinkFrameLimits = { frameBytesMax: 5, handshakeBytesMax: 4 };

function pattern(byteLength: number): Uint8Array {
  return Uint8Array.from({ length: byteLength }, (_, index) => (index * 7 + 3) & 0xff);
}

/** Decodes each frame and feeds its chunk to a reassembly, as the receiving link does. */
function reassemble(frames: readonly Uint8Array[], limits: LinkFrameLimits, messageBytesMax = 1 << 20): (Uint8Array | null | 'tooLarge')[] {
  const reassembly = new MessageReassembly(messageBytesMax);
  return frames.map((bytes) => {
    const parsed = decodeLinkFrame(bytes, limits);
    if (!parsed.ok || parsed.frame.kind !== 'chunk') throw new Error(`not a chunk: ${JSON.stringify(parsed)}`);
    return reassembly.add(parsed.frame.body, parsed.frame.last);
  });
}

describe('link frames', () => {
  it('cuts a message into frames no larger than frameBytesMax, only the last one marked last', () => {
    const frames = chunkMessage(pattern(10), small);
    expect(frames.map((frame) => frame.byteLength)).toEqual([5, 5, 3]);
    expect(frames.map((frame) => frame[0])).toEqual([linkFrameKinds.chunk, linkFrameKinds.chunk, linkFrameKinds.lastChunk]);
  });

  it('sends a message that fills whole frames exactly without an empty frame after it', () => {
    const frames = chunkMessage(pattern(8), small);
    expect(frames.map((frame) => frame.byteLength)).toEqual([5, 5]);
    expect(frames[1]?.[0]).toBe(linkFrameKinds.lastChunk);
  });

  it('sends an empty message as one last frame, and gets it back empty', () => {
    const frames = chunkMessage(new Uint8Array(0), small);
    expect(frames).toEqual([Uint8Array.of(linkFrameKinds.lastChunk)]);
    expect(reassemble(frames, small)).toEqual([new Uint8Array(0)]);
  });

  it('gets back exactly the message it cut, for sizes around the frame boundary', () => {
    for (const byteLength of [1, 3, 4, 5, 7, 8, 9, 100]) {
      const message = pattern(byteLength);
      const results = reassemble(chunkMessage(message, small), small);
      expect(results.slice(0, -1).every((result) => result === null)).withContext(`size ${byteLength}`).toBeTrue();
      expect(results.at(-1)).withContext(`size ${byteLength}`).toEqual(message);
    }
  });

  it('carries a 1 MiB message at the default limits in 64 KiB frames', () => {
    const message = pattern(1 << 20);
    const frames = chunkMessage(message);
    expect(frames.length).toBe(Math.ceil((1 << 20) / (defaultLinkFrameLimits.frameBytesMax - 1)));
    expect(frames.every((frame) => frame.byteLength <= defaultLinkFrameLimits.frameBytesMax)).toBeTrue();
    expect(reassemble(frames, defaultLinkFrameLimits, 2 << 20).at(-1)).toEqual(message);
  });

  it('hands out a copy: reusing the channel buffer after a frame changes no message', () => {
    const reassembly = new MessageReassembly(100);
    const channelBuffer = Uint8Array.of(linkFrameKinds.chunk, 1, 2);
    const first = decodeLinkFrame(channelBuffer, small);
    if (!first.ok || first.frame.kind !== 'chunk') throw new Error('not a chunk');
    expect(reassembly.add(first.frame.body, false)).toBeNull();
    channelBuffer.set([linkFrameKinds.lastChunk, 3, 4]);
    const second = decodeLinkFrame(channelBuffer, small);
    if (!second.ok || second.frame.kind !== 'chunk') throw new Error('not a chunk');
    const message = reassembly.add(second.frame.body, true);
    channelBuffer.fill(0);
    expect(message).toEqual(Uint8Array.of(1, 2, 3, 4));
  });

  it('refuses a message that grows past messageBytesMax, and starts clean after', () => {
    const reassembly = new MessageReassembly(6);
    expect(reassembly.add(pattern(4), false)).toBeNull();
    expect(reassembly.pendingBytes).toBe(4);
    expect(reassembly.add(pattern(3), false)).toBe('tooLarge');
    expect(reassembly.pendingBytes).toBe(0);
    expect(reassembly.add(pattern(6), true)).toEqual(pattern(6));
  });

  it('accepts a message of exactly messageBytesMax', () => {
    const reassembly = new MessageReassembly(6);
    expect(reassembly.add(pattern(3), false)).toBeNull();
    expect(reassembly.add(pattern(3), true)).toEqual(Uint8Array.of(...pattern(3), ...pattern(3)));
  });

  it('round-trips control and handshake frames', () => {
    expect(decodeLinkFrame(encodeControlFrame('heartbeat'), small)).toEqual({ ok: true, frame: { kind: 'heartbeat' } });
    expect(decodeLinkFrame(encodeControlFrame('goodbye'), small)).toEqual({ ok: true, frame: { kind: 'goodbye' } });
    expect(decodeLinkFrame(encodeHandshakeFrame(Uint8Array.of(9, 8, 7), small), small)).toEqual({ ok: true, frame: { kind: 'handshake', body: Uint8Array.of(9, 8, 7) } });
  });

  it('will not build a handshake frame over handshakeBytesMax', () => {
    expect(() => encodeHandshakeFrame(pattern(4), small)).toThrowError(/handshakeBytesMax/);
  });

  it('says why it refuses a frame: empty, too large, unknown kind, a control frame with a body, a large handshake', () => {
    const refusal = (bytes: Uint8Array): string => {
      const parsed = decodeLinkFrame(bytes, small);
      return parsed.ok ? 'accepted' : parsed.reason;
    };
    expect(refusal(new Uint8Array(0))).toBe('an empty frame');
    expect(refusal(pattern(6))).toMatch(/over frameBytesMax 5/);
    expect(refusal(Uint8Array.of(0))).toBe('unknown frame kind 0');
    expect(refusal(Uint8Array.of(99, 1))).toBe('unknown frame kind 99');
    expect(refusal(Uint8Array.of(linkFrameKinds.heartbeat, 1))).toBe('a heartbeat with a body');
    expect(refusal(Uint8Array.of(linkFrameKinds.goodbye, 1))).toBe('a goodbye with a body');
    expect(refusal(Uint8Array.of(linkFrameKinds.handshake, 1, 2, 3, 4))).toMatch(/over handshakeBytesMax 4/);
    expect(refusal(Uint8Array.of(linkFrameKinds.handshake, 1, 2, 3))).toBe('accepted');
  });
});
