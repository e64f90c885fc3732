// Enrolling this device with a code an admin gave out, typed or scanned: the device makes its key pair, sends
// the code and the public key to central, checks what comes back (a certificate of this very key, signed by
// the anchor it came with), and stores it all before it says "enrolled". Runs on the page (it needs a person
// there anyway); fetch is injected so a spec can answer as central does.
import { bytesToBase64, base64ToBytes } from '../uplink/base64.js';
import { checkDeviceCertificate } from './device-certificate.js';
import type { DeviceIdentity, DeviceIdentityStore } from './device-identity-store.js';
import { enrollmentCodeParameter, normalizeEnrollmentCode, type DeviceEnrolled, type EnrollDeviceBody } from './enrollment-protocol.js';
import { generateDeviceKeyPair, webCryptoSignatureCheck } from './webcrypto-identity.js';

export type EnrollmentRefusal =
  /** Not a code: a typo the person can fix. */
  | 'malformedCode'
  /** Central knows no such code. */
  | 'unknownCode'
  /** The code was used already or has expired: the admin must give out another. */
  | 'codeSpent'
  /** The clinic has the most devices allowed. */
  | 'clinicFull'
  /** Central could not be reached or failed: try again (the code is still good unless central used it). */
  | 'unreachable'
  /** Central's answer does not hold together: nothing was stored. */
  | 'badAnswer';

export type EnrollmentOutcome =
  | { readonly type: 'enrolled'; readonly identity: DeviceIdentity }
  | { readonly type: 'refused'; readonly refusal: EnrollmentRefusal; readonly message: string };

export interface EnrollmentRequest {
  /** The central API with its prefix, e.g. 'https://central.example.org/api'. */
  readonly apiUrl: string;
  /** As typed, or the whole enrollment link scanned from a QR code. */
  readonly code: string;
  readonly store: DeviceIdentityStore;
  readonly fetch?: typeof fetch;
  readonly nowMs?: () => number;
}

export function toBase64Url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  return base64ToBytes(standard + '='.repeat((4 - (standard.length % 4)) % 4));
}

/** The code inside an enrollment link (what a QR code holds), or the text itself when it is no link. */
export function codeFromScanOrTyping(text: string): string {
  const trimmed = text.trim();
  if (!/^https?:\/\//i.test(trimmed)) return trimmed;
  try {
    return new URL(trimmed).searchParams.get(enrollmentCodeParameter) ?? trimmed;
  } catch {
    return trimmed;
  }
}

const refusalsByStatus: Record<number, { readonly refusal: EnrollmentRefusal; readonly message: string }> = {
  400: { refusal: 'malformedCode', message: 'Central did not accept this code. Check it and type it again.' },
  404: { refusal: 'unknownCode', message: 'Central knows no such code. Check it, or ask your admin for a new one.' },
  409: { refusal: 'clinicFull', message: 'The clinic already has the most devices allowed. Ask your admin to remove one.' },
  410: { refusal: 'codeSpent', message: 'This code was used already or has expired. Ask your admin for a new one.' },
};

function refused(refusal: EnrollmentRefusal, message: string): EnrollmentOutcome {
  return { type: 'refused', refusal, message };
}

function readAnswer(value: unknown): DeviceEnrolled | null {
  if (typeof value !== 'object' || value === null) return null;
  const answer = value as Record<string, unknown>;
  const texts = ['clinicId', 'deviceId', 'name', 'credential', 'certificate', 'trustAnchor'].every((field) => typeof answer[field] === 'string' && answer[field] !== '');
  const peer = answer['peer'] as Record<string, unknown> | undefined;
  const peerTexts = peer !== undefined && ['peerId', 'token', 'path', 'key'].every((field) => typeof peer[field] === 'string' && peer[field] !== '');
  return texts && peerTexts ? (value as DeviceEnrolled) : null;
}

export async function enrollThisDevice(request: EnrollmentRequest): Promise<EnrollmentOutcome> {
  const code = normalizeEnrollmentCode(codeFromScanOrTyping(request.code));
  if (code === null) return refused('malformedCode', 'That is not an enrollment code: it has 12 letters and digits, like 7K3M-Q9XA-2PDE.');
  const keys = await generateDeviceKeyPair();
  const body: EnrollDeviceBody = { code, publicKey: toBase64Url(keys.publicKey) };
  let response: Response;
  try {
    response = await (request.fetch ?? fetch)(`${request.apiUrl}/enrollments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    return refused('unreachable', `Central could not be reached (${error instanceof Error ? error.message : String(error)}). Check the connection and try again.`);
  }
  if (response.status !== 201) {
    const known = refusalsByStatus[response.status];
    if (known !== undefined) return refused(known.refusal, known.message);
    return refused('unreachable', `Central answered ${response.status}. Try again in a moment.`);
  }
  const answer = readAnswer(await response.json().catch(() => null));
  if (answer === null) return refused('badAnswer', 'Central\'s answer was incomplete; nothing was stored. Try again with a new code.');
  let certificate: Uint8Array;
  let trustAnchor: Uint8Array;
  try {
    certificate = fromBase64Url(answer.certificate);
    trustAnchor = fromBase64Url(answer.trustAnchor);
  } catch {
    return refused('badAnswer', 'Central\'s answer held unreadable keys; nothing was stored.');
  }
  const nowMs = (request.nowMs ?? Date.now)();
  // The certificate must be of this key, for the ids central named, under the anchor it sent.
  const expected = { clinicId: answer.clinicId, deviceId: answer.deviceId, trustAnchor, nowMs, isRevoked: () => false };
  const check = await checkDeviceCertificate(certificate, expected, webCryptoSignatureCheck());
  if (!check.ok) return refused('badAnswer', `Central's certificate does not hold (${check.reason}); nothing was stored.`);
  const certifiedKey = check.certificate.body.publicKey;
  if (certifiedKey.length !== keys.publicKey.length || certifiedKey.some((byte, index) => byte !== keys.publicKey[index])) {
    return refused('badAnswer', 'Central certified another key than this device\'s; nothing was stored.');
  }
  const identity: DeviceIdentity = {
    apiUrl: request.apiUrl,
    clinicId: answer.clinicId,
    deviceId: answer.deviceId,
    name: answer.name,
    credential: answer.credential,
    certificate,
    trustAnchor,
    peer: { ...answer.peer },
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    enrolledAtMs: nowMs,
  };
  await request.store.save(identity);
  return { type: 'enrolled', identity };
}
