// The next upload of committed entries, cut at central's limits and encoded as its route takes it.
import { bytesToBase64 } from '../../src/uplink/base64.js';
import { centralIngestLimits } from '../../src/uplink/central-protocol.js';
import { nextUploadBatch } from '../../src/uplink/upload-batch.js';
import type { Entry } from '../../src/raft/types.js';

function command(index: number, bytes: number, term = 2): Entry {
  return { index, term, type: 'command', data: new Uint8Array(bytes).fill(index % 251) };
}

describe('the next upload batch', () => {
  it('carries every kind of entry from the first index central needs, command bytes in base64', () => {
    const entries: Entry[] = [
      { index: 5, term: 2, type: 'noop' },
      command(6, 3),
      { index: 7, term: 3, type: 'membership', change: { type: 'addLearner', nodeId: 'tablet-4' } },
    ];
    expect(nextUploadBatch(entries, 9)).toEqual({
      type: 'batch',
      lastIndex: 7,
      body: {
        fromIndex: 5,
        leaderCommitIndex: 9,
        entries: [
          { index: 5, term: 2, kind: 'noop' },
          { index: 6, term: 2, kind: 'command', data: bytesToBase64(entries[1]!.type === 'command' ? entries[1]!.data : new Uint8Array()) },
          { index: 7, term: 3, kind: 'membership', change: { type: 'addLearner', nodeId: 'tablet-4' } },
        ],
      },
    });
  });

  it('stops at the entry limit and at the command-byte limit, never splitting an entry', () => {
    const entries = Array.from({ length: 10 }, (_, position) => command(position + 1, 100));
    const byCount = nextUploadBatch(entries, 10, { entriesPerBatchMax: 4, batchDataBytesMax: 10_000 });
    expect(byCount.type === 'batch' && byCount.body.entries.length).toBe(4);
    const byBytes = nextUploadBatch(entries, 10, { entriesPerBatchMax: 100, batchDataBytesMax: 350 });
    expect(byBytes).toEqual(jasmine.objectContaining({ type: 'batch', lastIndex: 3 }));
    const oneBigOne = nextUploadBatch(entries, 10, { entriesPerBatchMax: 100, batchDataBytesMax: 50 });
    expect(oneBigOne).withContext('the first entry always goes').toEqual(jasmine.objectContaining({ type: 'batch', lastIndex: 1 }));
  });

  it('fits central\'s own limits by default', () => {
    const entries = Array.from({ length: 1500 }, (_, position) => command(position + 1, 600));
    const batch = nextUploadBatch(entries, 1500);
    if (batch.type !== 'batch') throw new Error('expected a batch');
    expect(batch.body.entries.length).toBeLessThanOrEqual(centralIngestLimits.entriesPerBatchMax);
    expect(batch.body.entries.length * 600).toBeLessThanOrEqual(centralIngestLimits.batchDataBytesMax);
    expect(batch.body.entries.length).toBe(Math.floor(centralIngestLimits.batchDataBytesMax / 600));
  });

  it('says nothing is due with no entries, and names an entry no upload can carry', () => {
    expect(nextUploadBatch([], 4)).toEqual({ type: 'nothing' });
    const tooLarge = centralIngestLimits.entryDataBytesMax + 1;
    expect(nextUploadBatch([command(3, tooLarge)], 3)).toEqual({ type: 'entryTooLarge', index: 3, bytes: tooLarge });
    expect(nextUploadBatch([command(3, 10), command(4, tooLarge)], 4)).toEqual(jasmine.objectContaining({ type: 'batch', lastIndex: 3 }));
  });

  it('refuses to upload past the commit index (a broken caller, not bad input)', () => {
    expect(() => nextUploadBatch([command(3, 10), command(4, 10)], 3)).toThrowError(/only committed entries/);
  });
});

describe('base64 of command bytes', () => {
  it('matches the platform encoder for every length and byte value', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = Uint8Array.from({ length }, (_, position) => (position * 37 + length) % 256);
      expect(bytesToBase64(bytes)).withContext(`length ${length}`).toBe(btoa(String.fromCharCode(...bytes)));
    }
    const every = Uint8Array.from({ length: 256 }, (_, position) => position);
    expect(bytesToBase64(every)).toBe(btoa(String.fromCharCode(...every)));
  });
});
