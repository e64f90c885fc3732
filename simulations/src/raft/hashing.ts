// Small deterministic hashes over bytes: entry fingerprints and the state machine's running digest.
// Not cryptographic; two independent 32-bit lanes make an accidental match across ~10^4 entries negligible.

const fnvPrime = 0x01000193;

/** FNV-1a, continued from `state`. */
export function hashBytes(state: number, bytes: Uint8Array): number {
  let hash = state >>> 0;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, fnvPrime) >>> 0;
  return hash;
}

/** Folds a 32-bit number into `state`, byte by byte, little-endian. */
export function hashNumber(state: number, value: number): number {
  let hash = state >>> 0;
  for (let shift = 0; shift < 32; shift += 8) hash = Math.imul(hash ^ ((value >>> shift) & 0xff), fnvPrime) >>> 0;
  return hash;
}

/** Two FNV lanes with different starting points, carried together. */
export interface DigestState {
  readonly low: number;
  readonly high: number;
}

export const emptyDigest: DigestState = { low: 0x811c9dc5, high: 0x2545f491 };

export function digestBytes(digest: DigestState, bytes: Uint8Array): DigestState {
  const low = hashBytes(digest.low, bytes);
  // The second lane also sees the first, so equal low lanes with different histories still tend to differ.
  const high = hashNumber(hashBytes(digest.high, bytes), low);
  return { low, high };
}

export function digestText(digest: DigestState): string {
  return `${digest.high.toString(16).padStart(8, '0')}${digest.low.toString(16).padStart(8, '0')}`;
}
