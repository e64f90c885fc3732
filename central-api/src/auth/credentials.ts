// Secrets given to devices and admins, and how they are checked. A credential is 32 random bytes: with that
// much entropy a single SHA-256 is a safe way to store it (slow hashes such as scrypt exist to protect
// guessable passwords; nobody can enumerate 2^256 tokens), and it lets a device be found by its hash in one
// index lookup. The lookup's timing can tell an attacker about hashes, which does not help find a token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const credentialLimits = {
  tokenBytes: 32,
  /** Longer bearer tokens are refused before hashing: ours are 48 characters, an ADMIN_TOKEN a few dozen. */
  bearerTokenCharactersMax: 512,
};

/** A prefix says what a token is when it turns up in a log or a config file. */
export const credentialPrefixes = { device: 'cmdev_', admin: 'cmadm_' } as const;

export function generateCredential(kind: keyof typeof credentialPrefixes): string {
  return credentialPrefixes[kind] + randomBytes(credentialLimits.tokenBytes).toString('base64url');
}

export function hashCredential(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Compares two hashes in time independent of where they differ. */
export function sameHash(left: Buffer, right: Buffer): boolean {
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined for anything else. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  const token = match?.[1];
  return token !== undefined && token.length <= credentialLimits.bearerTokenCharactersMax ? token : undefined;
}
