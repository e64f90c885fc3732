// Enrollment codes at central: made from crypto-random bytes over Crockford's alphabet, and kept only as a
// SHA-256 (like device credentials, auth/credentials.ts). A code has 60 bits: far too many to guess through
// the API in its 7 days. Its hash is unsalted and fast, which would not stop someone who reads
// enrollment_codes from searching 2^60 codes offline; such a reader also reads clinic_signing_keys (stored
// unencrypted for now), so the hash keeps the code out of backups and logs, and no more is claimed.
import { createHash, randomBytes } from 'node:crypto';
import { enrollmentCodeAlphabet, enrollmentLimits } from '../../../leader-worker/src/device-identity/enrollment-protocol.js';

const byteValues = 256;

/**
 * A code from `random` (one byte per character): each character is a byte's value modulo the alphabet's 32,
 * and 256 is a multiple of 32, so every character is equally likely.
 */
export function enrollmentCodeFrom(random: Uint8Array): string {
  if (byteValues % enrollmentCodeAlphabet.length !== 0) throw new Error('the code alphabet must divide 256, or some characters would be likelier');
  if (random.length !== enrollmentLimits.codeCharacters) throw new Error(`a code takes ${enrollmentLimits.codeCharacters} random bytes, not ${random.length}`);
  return Array.from(random, (byte) => enrollmentCodeAlphabet[byte % enrollmentCodeAlphabet.length]).join('');
}

export function generateEnrollmentCode(): string {
  return enrollmentCodeFrom(randomBytes(enrollmentLimits.codeCharacters));
}

/** The stored form of a code, of its normalized spelling (normalizeEnrollmentCode), so every way of typing it matches. */
export function hashEnrollmentCode(normalizedCode: string): Buffer {
  return createHash('sha256').update(normalizedCode, 'utf8').digest();
}
