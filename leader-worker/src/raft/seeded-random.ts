// A small, fast, seeded generator (sfc32) so a whole run replays from one number. The core never creates
// one itself: the driver, the simulator and the tests inject it through RaftOptions.random.
import type { RandomSource } from './types.js';
import { assert } from '../invariants/assert.js';

export class SeededRandom implements RandomSource {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    assert(Number.isSafeInteger(seed), 'seed must be a safe integer');
    // Spread the seed over the four words (splitmix32-style), then discard the first outputs: small
    // neighbouring seeds would otherwise start out correlated.
    let state = seed >>> 0;
    const next = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = Math.floor(seed / 0x100000000) >>> 0;
    for (let round = 0; round < 15; round++) this.nextUint32();
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 0x100000000;
  }

  nextInt(maxExclusive: number): number {
    assert(Number.isInteger(maxExclusive) && maxExclusive > 0, 'nextInt bound must be a positive integer');
    return Math.floor(this.nextFloat() * maxExclusive);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.nextFloat() < p;
  }

  /** An independent generator derived from this one, so adding draws in one subsystem does not shift another's. */
  fork(): SeededRandom {
    return new SeededRandom(this.nextUint32() * 0x100000 + (this.nextUint32() & 0xfffff));
  }
}
