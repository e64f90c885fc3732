// Enrollment codes at central: what they are made of, and how they are kept.
import { createHash } from 'node:crypto';
import {
  enrollmentCodeAlphabet,
  enrollmentLimits,
  formatEnrollmentCode,
  normalizeEnrollmentCode,
} from '../../../leader-worker/src/device-identity/enrollment-protocol.js';
import { enrollmentCodeFrom, generateEnrollmentCode, hashEnrollmentCode } from '../../src/device-enrollment/enrollment-code.js';

const codesGenerated = 500;

describe('enrollment codes at central', () => {
  it('are 12 characters of the Crockford alphabet, each byte choosing one', () => {
    expect(enrollmentCodeFrom(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))).toBe('0123456789AB');
    // 256 values over 32 characters: a byte and that byte plus 32 give the same character, 255 the last one.
    expect(enrollmentCodeFrom(Uint8Array.from([31, 32, 63, 64, 255, 224, 18, 50, 82, 114, 146, 178]))).toBe('Z0Z0Z0JJJJJJ');
  });

  it('refuse to be made from the wrong number of random bytes', () => {
    expect(() => enrollmentCodeFrom(new Uint8Array(enrollmentLimits.codeCharacters - 1))).toThrowError(/12 random bytes, not 11/);
    expect(() => enrollmentCodeFrom(new Uint8Array(enrollmentLimits.codeCharacters + 1))).toThrowError(/not 13/);
  });

  it('are generated at random, in the alphabet, never twice, and read back as typed in any of their spellings', () => {
    const codes = Array.from({ length: codesGenerated }, () => generateEnrollmentCode());
    expect(new Set(codes).size).toBe(codesGenerated);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
      expect(normalizeEnrollmentCode(code)).withContext(code).toBe(code);
      expect(normalizeEnrollmentCode(formatEnrollmentCode(code).toLowerCase())).withContext(code).toBe(code);
    }
    // 6,000 characters drawn from 32: each shows up (a character missing would take odds below 10^-80).
    const seen = new Set(codes.join(''));
    expect([...seen].sort().join('')).toBe(enrollmentCodeAlphabet);
  });

  it('are kept as the SHA-256 of their normalized spelling, so every way of typing one finds it', () => {
    const code = generateEnrollmentCode();
    const hash = hashEnrollmentCode(code);
    expect(hash.length).toBe(32);
    expect(hash.equals(createHash('sha256').update(code, 'utf8').digest())).toBeTrue();
    const typed = ` ${formatEnrollmentCode(code).toLowerCase()} `;
    expect(hashEnrollmentCode(normalizeEnrollmentCode(typed)!).equals(hash)).toBeTrue();
    expect(hashEnrollmentCode(generateEnrollmentCode()).equals(hash)).toBeFalse();
    expect(hash.toString('utf8')).not.toContain(code);
  });
});
