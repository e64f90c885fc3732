// Enrolling a device, as the device and central both speak it. An admin asks central for an enrollment code
// for a named device; the code is typed on the device, or scanned from its QR code (an enrollment link that
// carries it). The device makes its key pair, sends the code and its public key, and gets back everything it
// needs to work for years without asking central again: its ids and API credential, its certificate, the
// clinic's trust anchor, and its PeerJS id and token. Central's request and response classes implement these
// types (central-api/src/device-enrollment/dto/), so the two sides cannot drift.

export const enrollmentLimits = {
  /** A code: 12 characters of Crockford base32 (60 bits), shown grouped as XXXX-XXXX-XXXX. */
  codeCharacters: 12,
  /** How long a code stays usable: long enough to carry a tablet to a rural clinic, short enough to leak little. */
  codeValidityMs: 7 * 86_400_000,
  /** A device certificate's period; a device renews it while it can reach central. */
  certificateValidityMs: 2 * 365 * 86_400_000,
  /** An SPKI P-256 public key is 91 bytes; base64url with room to spare. */
  publicKeyCharactersMax: 256,
} as const;

/** Crockford's base32 alphabet: no I, L, O or U, so a code read aloud or off a screen is not misread. */
export const enrollmentCodeAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A code as typed: case, spaces and dashes ignored, and the letters people confuse with digits (I, L -> 1;
 * O -> 0) read as Crockford says. Null when what is left is not a code.
 */
export function normalizeEnrollmentCode(typed: string): string | null {
  const folded = typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (folded.length !== enrollmentLimits.codeCharacters) return null;
  for (const character of folded) if (!enrollmentCodeAlphabet.includes(character)) return null;
  return folded;
}

/** How a code is shown: XXXX-XXXX-XXXX. */
export function formatEnrollmentCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

/** The query parameter of an enrollment link (`<app url>/enroll?code=...`), what the QR code holds. */
export const enrollmentCodeParameter = 'code';

/** The body of POST /api/clinics/:clinicId/enrollment-codes (admin). */
export interface CreateEnrollmentCodeBody {
  /** What the device is called in the clinic: "Registration tablet". */
  readonly name: string;
}

/** Its answer: the code is shown this once; central keeps only its hash. */
export interface EnrollmentCodeIssued {
  readonly code: string;
  readonly clinicId: string;
  readonly name: string;
  /** ISO 8601. */
  readonly expiresAt: string;
}

/** The body of POST /api/enrollments: no credential, the code is one. */
export interface EnrollDeviceBody {
  readonly code: string;
  /** The device's ECDSA P-256 public key, SPKI, base64url. */
  readonly publicKey: string;
}

/** How the device registers its fixed PeerJS id with central's PeerServer. */
export interface PeerCredentials {
  readonly peerId: string;
  readonly token: string;
  /** PeerServer's mount path on central's host, e.g. '/peerjs'. */
  readonly path: string;
  readonly key: string;
}

/** The answer to a used code: everything the device keeps. */
export interface DeviceEnrolled {
  readonly clinicId: string;
  readonly deviceId: string;
  readonly name: string;
  /** The device's bearer credential for central's API, shown this once. */
  readonly credential: string;
  /** The device certificate (device-certificate.ts), base64url. */
  readonly certificate: string;
  /** The clinic's signing key, SPKI, base64url: the anchor every peer's certificate is checked against. */
  readonly trustAnchor: string;
  readonly peer: PeerCredentials;
}
