import { encode } from '@msgpack/msgpack';
import { decodePeerMessage, encodePeerMessage, type PeerMessage } from '../../src/wire/peer-message-codec.js';
import { heldWritesPerRequestMax } from '../../src/wire/safekeeping-messages.js';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import type { Message } from '../../src/raft/types.js';

const base = { from: 'clinic-1/tablet-1', to: 'clinic-1/desktop-1', term: 7 };
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** One of every message type, with every optional shape exercised. */
const everyMessageType: PeerMessage[] = [
  { ...base, type: 'preVote', lastLogIndex: 10, lastLogTerm: 6 },
  { ...base, type: 'preVoteResponse', granted: true },
  { ...base, type: 'vote', lastLogIndex: 10, lastLogTerm: 6, transfer: true },
  { ...base, type: 'voteResponse', granted: false },
  {
    ...base,
    type: 'append',
    prevLogIndex: 9,
    prevLogTerm: 6,
    commitIndex: 8,
    entries: [
      { type: 'noop', index: 10, term: 7 },
      { type: 'command', index: 11, term: 7, data: bytes('vitals: bp 120/80') },
      { type: 'membership', index: 12, term: 7, change: { type: 'addLearner', nodeId: 'clinic-1/tablet-9' } },
    ],
  },
  { ...base, type: 'appendResponse', index: 9, rejected: true, hintIndex: 4, hintTerm: 3 },
  { ...base, type: 'heartbeat', commitIndex: 8, readContext: null },
  { ...base, type: 'heartbeat', commitIndex: 8, readContext: 'read-1' },
  { ...base, type: 'heartbeatResponse', readContext: 'read-1' },
  {
    ...base,
    type: 'installSnapshot',
    snapshot: { index: 100, term: 6, membership: { voters: ['a', 'b', 'c'], learners: ['d'] }, data: bytes('state') },
  },
  { ...base, type: 'propose', payloads: [{ type: 'command', data: bytes('prescription') }] },
  { ...base, type: 'timeoutNow' },
  { ...base, type: 'readIndex', readContext: 'read-2' },
  { ...base, type: 'readIndexResponse', readContext: 'read-2', index: 42 },
  {
    type: 'holdWrites',
    from: base.from,
    to: base.to,
    requestId: 3,
    writes: [{ clientId: 'tablet-1/nurse', sequence: 41, command: bytes('vitals') }, { clientId: 'tablet-1/nurse', sequence: 42, command: bytes('note') }],
  },
  { type: 'writesHeld', from: base.from, to: base.to, requestId: 3, alreadyApplied: [{ clientId: 'tablet-1/nurse', sequence: 41 }] },
];

function rejectionOf(value: unknown): string {
  const result = decodePeerMessage(encode(value));
  if (result.ok) throw new Error(`accepted ${JSON.stringify(value)}`);
  return result.reason;
}

describe('Peer message codec', () => {
  it('round-trips every message type exactly', () => {
    for (const message of everyMessageType) {
      const decoded = decodePeerMessage(encodePeerMessage(message));
      expect(decoded).withContext(message.type).toEqual({ ok: true, value: message });
    }
  });

  it('carries command bytes as binary, not as text', () => {
    const data = new Uint8Array(1000).fill(0xff);
    const message: Message = { ...base, type: 'propose', payloads: [{ type: 'command', data }] };
    expect(encodePeerMessage(message).byteLength).toBeLessThan(1100);
  });

  it('drops unknown fields instead of passing them to the core', () => {
    const result = decodePeerMessage(encode({ ...base, type: 'timeoutNow', injected: { evil: true } }));
    expect(result).toEqual({ ok: true, value: { ...base, type: 'timeoutNow' } });
  });

  it('names what is wrong in a malformed message', () => {
    expect(rejectionOf({ ...base, type: 'teleport' })).toContain('unknown message type');
    expect(rejectionOf({ ...base, term: -1, type: 'timeoutNow' })).toContain('term');
    expect(rejectionOf({ ...base, term: 1.5, type: 'timeoutNow' })).toContain('term');
    expect(rejectionOf({ ...base, from: '', type: 'timeoutNow' })).toContain('from');
    expect(rejectionOf({ ...base, to: 'x'.repeat(129), type: 'timeoutNow' })).toContain('to');
    expect(rejectionOf({ ...base, type: 'voteResponse', granted: 'yes' })).toContain('granted');
    expect(rejectionOf({ ...base, type: 'append', prevLogIndex: 1, prevLogTerm: 1, commitIndex: 1, entries: 'many' })).toContain('entries');
    expect(rejectionOf({ ...base, type: 'append', prevLogIndex: 1, prevLogTerm: 1, commitIndex: 1, entries: [{ type: 'command', index: 2, term: 1, data: 'text' }] })).toContain('bytes');
    expect(rejectionOf({ ...base, type: 'propose', payloads: [{ type: 'membership', change: { type: 'crown', nodeId: 'x' } }] })).toContain('membership change');
    expect(rejectionOf({ ...base, type: 'installSnapshot', snapshot: { index: 1, term: 1, membership: { voters: ['a', 'a'], learners: [] }, data: bytes('') } })).toContain('twice');
    expect(rejectionOf([1, 2, 3])).toContain('object');
    expect(rejectionOf(null)).toContain('object');
  });

  it('names what is wrong in a malformed safekeeping message', () => {
    const hold = { type: 'holdWrites', from: base.from, to: base.to, requestId: 1 };
    const write = { clientId: 'tablet-1/nurse', sequence: 1, command: bytes('vitals') };
    expect(rejectionOf({ ...hold, writes: [{ ...write, sequence: 0 }] })).toContain('sequence must be positive');
    expect(rejectionOf({ ...hold, writes: [{ ...write, clientId: '' }] })).toContain('clientId');
    expect(rejectionOf({ ...hold, writes: [{ ...write, command: 'vitals' }] })).toContain('command must be bytes');
    expect(rejectionOf({ ...hold, writes: Array.from({ length: heldWritesPerRequestMax + 1 }, () => write) })).toContain('over the limit');
    expect(rejectionOf({ ...hold, requestId: -1, writes: [] })).toContain('requestId');
    expect(rejectionOf({ type: 'writesHeld', from: base.from, requestId: 1, alreadyApplied: [] })).toContain('to');
    expect(rejectionOf({ type: 'writesHeld', from: base.from, to: base.to, requestId: 1 })).toContain('alreadyApplied');
  });

  it('refuses bytes that are not MessagePack', () => {
    const result = decodePeerMessage(new Uint8Array([0xc1]));
    expect(result.ok).toBeFalse();
    if (!result.ok) expect(result.reason).toContain('not MessagePack');
  });

  it('refuses a message over its size limit, with a larger bound only for snapshots', () => {
    const limits = { messageBytesMax: 100, snapshotMessageBytesMax: 1000 };
    const bigProposal: Message = { ...base, type: 'propose', payloads: [{ type: 'command', data: new Uint8Array(200) }] };
    const bigSnapshot: Message = { ...base, type: 'installSnapshot', snapshot: { index: 1, term: 1, membership: { voters: ['a'], learners: [] }, data: new Uint8Array(200) } };
    const hugeSnapshot: Message = { ...base, type: 'installSnapshot', snapshot: { index: 1, term: 1, membership: { voters: ['a'], learners: [] }, data: new Uint8Array(2000) } };
    expect(decodePeerMessage(encodePeerMessage(bigProposal), limits).ok).toBeFalse();
    expect(decodePeerMessage(encodePeerMessage(bigSnapshot), limits).ok).toBeTrue();
    expect(decodePeerMessage(encodePeerMessage(hugeSnapshot), limits).ok).toBeFalse();
  });

  it('never throws on random, truncated or bit-flipped input (seed 2026)', () => {
    const random = new SeededRandom(2026);
    const valid = everyMessageType.map(encodePeerMessage);
    let rejected = 0;
    for (let round = 0; round < 5000; round++) {
      const source = valid[random.nextInt(valid.length)]!;
      let input: Uint8Array;
      switch (random.nextInt(3)) {
        case 0:
          input = Uint8Array.from({ length: random.nextInt(64) }, () => random.nextInt(256));
          break;
        case 1:
          input = source.slice(0, random.nextInt(source.byteLength));
          break;
        default: {
          input = source.slice();
          const position = random.nextInt(input.byteLength);
          input[position] = input[position]! ^ (1 << random.nextInt(8));
        }
      }
      const result = decodePeerMessage(input);
      if (!result.ok) rejected++;
    }
    // Most mutations must be caught; a flipped bit inside a string or a count can still be a valid message.
    expect(rejected).toBeGreaterThan(3000);
  });
});
