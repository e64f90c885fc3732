// The binary upload body: base64 back to the same bytes, and the batch in MessagePack carrying them as they are.
import { decode } from '@msgpack/msgpack';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import { base64ToBytes, bytesToBase64 } from '../../src/uplink/base64.js';
import { encodeLogBatch } from '../../src/uplink/log-batch-encoding.js';

describe('the binary upload body', () => {
  it('reads back every length and byte value base64 can carry', () => {
    const random = new SeededRandom(9);
    for (let length = 0; length < 70; length++) {
      const bytes = Uint8Array.from({ length }, () => random.nextInt(256));
      expect(base64ToBytes(bytesToBase64(bytes))).withContext(String(length)).toEqual(bytes);
    }
    expect(() => base64ToBytes('abc')).toThrowError(/4-character groups/);
    expect(() => base64ToBytes('ab$=')).toThrowError(/not base64/);
  });

  it('is the JSON body\'s batch with command bytes as bytes', () => {
    const data = new Uint8Array([0x82, 0xa1, 0x61, 0x01, 0xa1, 0x62, 0xc0]);
    const body = {
      fromIndex: 7, leaderCommitIndex: 9,
      entries: [
        { index: 7, term: 2, kind: 'noop' as const },
        { index: 8, term: 2, kind: 'command' as const, data: bytesToBase64(data) },
        { index: 9, term: 2, kind: 'membership' as const, change: { type: 'addLearner' as const, nodeId: 'tablet-4' } },
      ],
    };
    expect(decode(encodeLogBatch(body))).toEqual({ ...body, entries: [body.entries[0], { ...body.entries[1], data }, body.entries[2]] });
  });
});
