// The pure rules of an upload: entry validation, batch checks and limits, how a batch lines up with what
// central holds, and what counts as the same entry.
import { logEntriesProblem } from '../../src/sync/dto/log-entries.validator.js';
import type { UploadLogRequest } from '../../src/sync/dto/upload-log.request.js';
import { firstDivergence, parseBatch, planBatch } from '../../src/sync/log-batch.js';
import { payloadDigest, sameEntry, type StoredEntry } from '../../src/log-store/log-entry.js';
import { ingestLimits } from '../../src/sync/sync-limits.js';

const bytes = (text: string) => Buffer.from(text);
const command = (index: number, term: number, text: string): StoredEntry => ({ index, term, kind: 'command', data: bytes(text) });
const body = (index: number, term = 1, text = 'x') => ({ index, term, kind: 'command' as const, data: bytes(text).toString('base64') });
const request = (fromIndex: number, entries: UploadLogRequest['entries'], leaderCommitIndex?: number): UploadLogRequest => ({ fromIndex, entries, leaderCommitIndex });

describe('log entry validation (IsLogEntryList)', () => {
  const good = [
    { index: 1, term: 1, kind: 'membership', change: { type: 'addVoter', nodeId: 'clinic-7/tablet-1' } },
    { index: 2, term: 2, kind: 'noop' },
    { index: 3, term: 2, kind: 'command', data: 'gqFhAQ==' },
    { index: 4, term: 2, kind: 'command', data: '' },
  ];

  it('accepts every kind of entry, well formed', () => {
    expect(logEntriesProblem(good)).toBeNull();
  });

  const bad: [what: string, value: unknown, problem: RegExp][] = [
    ['not an array', { index: 1 }, /entries must be an array/],
    ['an empty list', [], /at least one entry/],
    ['an entry that is not an object', [1], /entries\[0\]\.must be an object/],
    ['an unknown kind', [{ index: 1, term: 1, kind: 'snapshot' }], /entries\[0\]\.kind must be one of/],
    ['an unknown field', [{ index: 1, term: 1, kind: 'noop', extra: true }], /entries\[0\]\.extra should not exist/],
    ['data on a noop', [{ index: 1, term: 1, kind: 'noop', data: 'AA==' }], /data should not exist on a noop entry/],
    ['a change on a command', [{ index: 1, term: 1, kind: 'command', data: 'AA==', change: {} }], /change should not exist/],
    ['a fractional index', [{ index: 1.5, term: 1, kind: 'noop' }], /index must be a positive integer/],
    ['index 0', [{ index: 0, term: 1, kind: 'noop' }], /index must be a positive integer/],
    ['an index as a string', [{ index: '1', term: 1, kind: 'noop' }], /index must be a positive integer/],
    ['term 0', [{ index: 1, term: 0, kind: 'noop' }], /term must be a positive integer/],
    ['an unsafe index', [{ index: 2 ** 60, term: 1, kind: 'noop' }], /index must be a positive integer/],
    ['a command without data', [{ index: 1, term: 1, kind: 'command' }], /data must be a base64 string/],
    ['data that is not base64', [{ index: 1, term: 1, kind: 'command', data: 'not base64!' }], /data must be base64/],
    ['unpadded base64', [{ index: 1, term: 1, kind: 'command', data: 'AAE' }], /data must be base64/],
    ['url-safe base64', [{ index: 1, term: 1, kind: 'command', data: 'ab-_' }], /data must be base64/],
    ['data over the entry limit', [{ index: 1, term: 1, kind: 'command', data: 'A'.repeat(Math.ceil((ingestLimits.entryDataBytesMax + 1) / 3) * 4) }], /at most 262144 bytes/],
    ['a change that is not an object', [{ index: 1, term: 1, kind: 'membership', change: 'addVoter' }], /change must be an object/],
    ['an unknown change type', [{ index: 1, term: 1, kind: 'membership', change: { type: 'promote', nodeId: 'a' } }], /change\.type must be one of/],
    ['an unknown change field', [{ index: 1, term: 1, kind: 'membership', change: { type: 'addVoter', nodeId: 'a', epoch: 1 } }], /change\.epoch should not exist/],
    ['an empty node id', [{ index: 1, term: 1, kind: 'membership', change: { type: 'addVoter', nodeId: '' } }], /change\.nodeId must be a string/],
    ['a control character in a node id', [{ index: 1, term: 1, kind: 'membership', change: { type: 'addVoter', nodeId: 'a\u0000b' } }], /without control characters/],
  ];
  for (const [what, value, problem] of bad) {
    it(`refuses ${what}`, () => {
      expect(logEntriesProblem(value)).toMatch(problem);
    });
  }

  it('names the first bad entry by its position', () => {
    expect(logEntriesProblem([...good, { index: 5, term: 2, kind: 'noop', note: 1 }])).toBe('entries[4].note should not exist on a noop entry');
  });
});

describe('parseBatch', () => {
  it('decodes command bytes and keeps every kind', () => {
    const parsed = parseBatch(request(3, [body(3, 1, 'a'), { index: 4, term: 2, kind: 'noop' }, { index: 5, term: 2, kind: 'membership', change: { type: 'removeNode', nodeId: 'n1' } }], 9));
    expect(parsed).toEqual({
      ok: true,
      entries: [command(3, 1, 'a'), { index: 4, term: 2, kind: 'noop' }, { index: 5, term: 2, kind: 'membership', change: { type: 'removeNode', nodeId: 'n1' } }],
    });
  });

  it('refuses entries that are not contiguous from fromIndex (400)', () => {
    expect(parseBatch(request(3, [body(4)]))).toEqual(jasmine.objectContaining({ ok: false, status: 400, message: jasmine.stringMatching(/entries\[0\] has index 4, not 3/) }));
    expect(parseBatch(request(3, [body(3), body(5)]))).toEqual(jasmine.objectContaining({ ok: false, status: 400, message: jasmine.stringMatching(/entries\[1\] has index 5, not 4/) }));
  });

  it('refuses a term that decreases along the batch (400)', () => {
    expect(parseBatch(request(1, [body(1, 3), body(2, 2)]))).toEqual(jasmine.objectContaining({ ok: false, status: 400, message: jasmine.stringMatching(/term 2 after term 3/) }));
  });

  it('refuses entries past the leader\'s commit index (400): only committed entries are uploaded', () => {
    expect(parseBatch(request(1, [body(1), body(2)], 1))).toEqual(jasmine.objectContaining({ ok: false, status: 400, message: jasmine.stringMatching(/past leaderCommitIndex 1/) }));
    expect(parseBatch(request(1, [body(1), body(2)], 2)).ok).toBeTrue();
  });

  it(`refuses more than ${ingestLimits.entriesPerBatchMax} entries (413), and takes exactly that many`, () => {
    const entries = (count: number) => Array.from({ length: count }, (_, offset) => body(1 + offset));
    expect(parseBatch(request(1, entries(ingestLimits.entriesPerBatchMax))).ok).toBeTrue();
    expect(parseBatch(request(1, entries(ingestLimits.entriesPerBatchMax + 1)))).toEqual(jasmine.objectContaining({ ok: false, status: 413, message: jasmine.stringMatching(/at most 1000 entries, not 1001/) }));
  });

  it(`refuses more than ${ingestLimits.batchDataBytesMax} command bytes in a batch (413), and takes exactly that many`, () => {
    const entryBytes = ingestLimits.batchDataBytesMax / 4;
    const big = (index: number, extra = 0) => body(index, 1, 'x'.repeat(entryBytes + extra));
    expect(parseBatch(request(1, [big(1), big(2), big(3), big(4)])).ok).toBeTrue();
    expect(parseBatch(request(1, [big(1), big(2), big(3), big(4, 1)]))).toEqual(jasmine.objectContaining({ ok: false, status: 413, message: jasmine.stringMatching(/at most 524288 bytes of commands, not 524289/) }));
  });
});

describe('planBatch', () => {
  const entries = [command(4, 1, 'd'), command(5, 1, 'e'), command(6, 2, 'f')];

  it('splits a batch into replayed entries (at or below the acknowledged index) and fresh ones', () => {
    expect(planBatch(5, 4, entries)).toEqual({ kind: 'accept', replayed: entries.slice(0, 2), fresh: entries.slice(2) });
    expect(planBatch(3, 4, entries)).toEqual({ kind: 'accept', replayed: [], fresh: entries });
    expect(planBatch(9, 4, entries)).toEqual({ kind: 'accept', replayed: entries, fresh: [] });
  });

  it('refuses a batch starting past acknowledged + 1, naming the index expected', () => {
    expect(planBatch(2, 4, entries)).toEqual({ kind: 'gap', expectedIndex: 3 });
    expect(planBatch(0, 4, entries)).toEqual({ kind: 'gap', expectedIndex: 1 });
  });
});

describe('comparing entries', () => {
  it('same index, term and payload bytes is the same entry; anything else differs', () => {
    expect(sameEntry(command(1, 1, 'a'), command(1, 1, 'a'))).toBeTrue();
    expect(sameEntry(command(1, 1, 'a'), command(1, 1, 'b'))).toBeFalse();
    expect(sameEntry(command(1, 1, 'a'), command(1, 2, 'a'))).toBeFalse();
    expect(sameEntry(command(1, 1, 'a'), { index: 1, term: 1, kind: 'noop' })).toBeFalse();
    const change = (nodeId: string): StoredEntry => ({ index: 1, term: 1, kind: 'membership', change: { type: 'addVoter', nodeId } });
    expect(sameEntry(change('a'), change('a'))).toBeTrue();
    expect(sameEntry(change('a'), change('b'))).toBeFalse();
  });

  it('digests payloads so that different kinds and bytes never share one', () => {
    const digests = [command(1, 1, ''), command(1, 1, 'a'), { index: 1, term: 1, kind: 'noop' } as StoredEntry].map((entry) => payloadDigest(entry).toString('hex'));
    expect(new Set(digests).size).toBe(3);
    expect(payloadDigest(command(1, 1, 'a')).length).toBe(32);
  });

  it('finds the first replayed entry that differs from the stored one', () => {
    const stored = [command(1, 1, 'a'), command(2, 1, 'b'), command(3, 1, 'c')];
    expect(firstDivergence(stored, stored)).toBeNull();
    expect(firstDivergence(stored, [command(2, 1, 'b'), command(3, 2, 'c')])).toEqual({ stored: stored[2]!, received: command(3, 2, 'c') });
  });

  it('treats an acknowledged entry missing from storage as a broken invariant', () => {
    expect(() => firstDivergence([], [command(1, 1, 'a')])).toThrowError(/acknowledged but not stored/);
  });
});
