import { createHash } from 'node:crypto';
import { bearerToken, credentialLimits, generateCredential, hashCredential, sameHash } from '../../src/auth/credentials.js';

describe('credentials', () => {
  it('generates device and admin tokens of 32 random bytes behind a prefix that names their kind', () => {
    const device = generateCredential('device');
    const admin = generateCredential('admin');
    expect(device).toMatch(/^cmdev_[A-Za-z0-9_-]{43}$/);
    expect(admin).toMatch(/^cmadm_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(device.slice('cmdev_'.length), 'base64url').length).toBe(credentialLimits.tokenBytes);
  });

  it('never generates the same token twice', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => generateCredential('device')));
    expect(tokens.size).toBe(200);
  });

  it('stores the SHA-256 of a token, never the token', () => {
    const token = generateCredential('device');
    const hash = hashCredential(token);
    expect(hash.equals(createHash('sha256').update(token).digest())).toBeTrue();
    expect(hash.length).toBe(32);
  });

  it('compares hashes equal only when every byte is equal, and tolerates different lengths', () => {
    const hash = hashCredential('a');
    expect(sameHash(hash, hashCredential('a'))).toBeTrue();
    expect(sameHash(hash, hashCredential('b'))).toBeFalse();
    expect(sameHash(hash, hash.subarray(0, 16))).toBeFalse();
  });

  describe('bearer token of an Authorization header', () => {
    it('reads "Bearer <token>", in any case of the scheme', () => {
      expect(bearerToken('Bearer abc')).toBe('abc');
      expect(bearerToken('bearer abc')).toBe('abc');
    });

    it('reads nothing from a missing header, another scheme, an empty or spaced token', () => {
      for (const header of [undefined, '', 'Basic abc', 'Bearer', 'Bearer ', 'Bearer a b', 'abc']) {
        expect(bearerToken(header)).withContext(String(header)).toBeUndefined();
      }
    });

    it('refuses a token longer than the limit before hashing it', () => {
      const longest = 'x'.repeat(credentialLimits.bearerTokenCharactersMax);
      expect(bearerToken(`Bearer ${longest}`)).toBe(longest);
      expect(bearerToken(`Bearer ${longest}x`)).toBeUndefined();
    });
  });
});
