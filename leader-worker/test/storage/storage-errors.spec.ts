// How browser storage failures become the StorageError the driver and the clinician see.
import { InvariantViolation } from '../../src/invariants/assert.js';
import { StorageError } from '../../src/storage/raft-storage.js';
import { explainingError, isQuotaExceeded, storageError, toStorageError } from '../../src/storage/storage-errors.js';

describe('storage: failure mapping', () => {
  const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  const abort = new DOMException('The transaction was aborted.', 'AbortError');

  it('recognizes the quota error by name in every browser spelling, and by its legacy code', () => {
    expect(isQuotaExceeded(quota)).toBeTrue();
    expect(isQuotaExceeded({ name: 'NS_ERROR_DOM_QUOTA_REACHED', message: '' })).toBeTrue();
    expect(isQuotaExceeded({ name: 'Error', code: 22 })).toBeTrue();
    expect(isQuotaExceeded(abort)).toBeFalse();
    expect(isQuotaExceeded(null)).toBeFalse();
  });

  it('maps quota to "full" and any other browser failure to "unavailable", keeping the cause', () => {
    const full = toStorageError(quota, 'saving to the Raft log');
    expect(full).toBeInstanceOf(StorageError);
    expect((full as StorageError).failure).toBe('full');
    expect(full.cause).toBe(quota);
    expect(full.message).toContain('storage is full');
    expect(full.message).toContain('NOT saved');
    const closed = new DOMException('The database connection is closing.', 'InvalidStateError');
    expect((toStorageError(closed, 'saving') as StorageError).failure).toBe('unavailable');
    expect((toStorageError(new Error('boom'), 'saving') as StorageError).failure).toBe('unavailable');
  });

  it('passes StorageErrors and broken invariants through unchanged', () => {
    const corrupt = storageError('corrupt', 'a gap after entry 5');
    const violation = new InvariantViolation('persist: a gap');
    expect(toStorageError(corrupt, 'loading')).toBe(corrupt);
    expect(toStorageError(violation, 'saving')).toBe(violation);
  });

  it('explains a failed transaction by the quota error over the AbortError each request then gets', () => {
    expect(explainingError(abort, quota)).toBe(quota);
    expect(explainingError(quota, abort)).toBe(quota);
  });

  it('explains a transaction we aborted by what our code threw, not by the abort', () => {
    const violation = new InvariantViolation('persist: a gap');
    expect(explainingError(violation, abort)).toBe(violation);
    expect(explainingError(undefined, abort)).toBe(abort);
  });
});
