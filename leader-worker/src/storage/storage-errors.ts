// Turns whatever a browser storage API threw into the one StorageError the driver understands, with a
// message a clinician-facing layer can show as it is. The technical cause stays attached as `cause`.
import { InvariantViolation } from '../invariants/assert.js';
import { StorageError, type StorageFailure } from './raft-storage.js';

/** What the clinician reads, per failure. Every one says the record was not saved: nothing is acknowledged. */
const clinicianMessages: Record<StorageFailure, string> = {
  full: "This device's storage is full, so the record was NOT saved. Free space on this device, then save again.",
  unavailable:
    "This device's storage cannot be used right now, so the record was NOT saved. Reload Clinic Mesh; if this " +
    'keeps happening, check that the browser is not in private mode and that site data was not cleared.',
  corrupt:
    'The records stored on this device are damaged, so Clinic Mesh will not use them. Do not clear this ' +
    "device's data: ask for support (the clinic's other devices still hold the records).",
};

/** Firefox's and legacy names for the quota error; Chrome and the spec use 'QuotaExceededError' (code 22). */
const quotaErrorNames: ReadonlySet<string> = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED', 'QUOTA_EXCEEDED_ERR']);
const legacyQuotaErrorCode = 22;

export function isQuotaExceeded(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return (typeof name === 'string' && quotaErrorNames.has(name)) || code === legacyQuotaErrorCode;
}

/** A StorageError whose message starts with the clinician's sentence and ends with the technical detail. */
export function storageError(failure: StorageFailure, detail: string, cause?: unknown): StorageError {
  const message = `${clinicianMessages[failure]} (Detail: ${detail})`;
  return cause === undefined ? new StorageError(failure, message) : new StorageError(failure, message, { cause });
}

function describe(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error && 'message' in error)) {
    const { name, message } = error as { name: unknown; message: unknown };
    return `${String(name)}: ${String(message)}`;
  }
  return String(error);
}

/**
 * Maps a failure of `action` ("persist", "open", ...) to a StorageError. Quota errors (on a request or on the
 * transaction's abort) are 'full'; anything else the browser reports (closed or blocked connection, aborted
 * transaction, I/O error, private mode) is 'unavailable'. StorageErrors and broken invariants pass through:
 * those are already decided.
 */
export function toStorageError(error: unknown, action: string): StorageError | InvariantViolation {
  if (error instanceof StorageError || error instanceof InvariantViolation) return error;
  const failure: StorageFailure = isQuotaExceeded(error) ? 'full' : 'unavailable';
  return storageError(failure, `${action} failed: ${describe(error)}`, error);
}

/**
 * Of the errors one failed transaction produced, the one that explains it. The transaction's own error (set
 * when the browser aborts it, e.g. quota exceeded at commit) beats the generic AbortError every pending
 * request then gets; an error our code threw beats the AbortError our own abort() causes.
 */
export function explainingError(thrown: unknown, transactionError: unknown): unknown {
  const isGenericAbort = (error: unknown): boolean =>
    typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
  const candidates = [thrown, transactionError].filter((error) => error !== undefined && error !== null);
  return candidates.find((error) => isQuotaExceeded(error))
    ?? candidates.find((error) => !isGenericAbort(error))
    ?? candidates[0];
}
