// Enrollment with a code over HTTP, against a real PostgreSQL: an admin makes a code, a device enrolls with it
// and a real WebCrypto P-256 key, and the certificate it gets is checked the way its peers will check it.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { checkDeviceCertificate, type CertificateCheck } from '../../../leader-worker/src/device-identity/device-certificate.js';
import {
  enrollmentLimits,
  normalizeEnrollmentCode,
  type DeviceEnrolled,
  type EnrollmentCodeIssued,
} from '../../../leader-worker/src/device-identity/enrollment-protocol.js';
import { generateDeviceKeyPair, webCryptoSignatureCheck } from '../../../leader-worker/src/device-identity/webcrypto-identity.js';
import { clinicLimits } from '../../src/clinics/clinic-limits.js';
import { hashEnrollmentCode } from '../../src/device-enrollment/enrollment-code.js';
import { call, type CallResult, clinicWithDevice, testAppPerSuite } from '../support/test-app.js';

const missingClinicId = '00000000-0000-4000-8000-000000000000';
/** Clock difference allowed between this test and the API it started (same machine: the time of a request). */
const requestMsMax = 60_000;

describe('device enrollment with a code over HTTP', () => {
  const api = testAppPerSuite();
  const dataSource = (): DataSource => api().app.get(DataSource);

  async function newClinic(name = 'Kisoro'): Promise<string> {
    const created = await call(api().baseUrl, 'POST', '/api/clinics', { token: api().adminToken, json: { name, chartPolicy: 'lease' } });
    return (created.body as { id: string }).id;
  }

  async function issueCode(clinicId: string, name = 'Registration tablet'): Promise<EnrollmentCodeIssued> {
    const issued = await call(api().baseUrl, 'POST', `/api/clinics/${clinicId}/enrollment-codes`, { token: api().adminToken, json: { name } });
    expect(issued.status).withContext(JSON.stringify(issued.body)).toBe(201);
    return issued.body as EnrollmentCodeIssued;
  }

  /** A device's public key, SPKI base64url, from a WebCrypto P-256 pair made as devices make theirs. */
  async function devicePublicKey(): Promise<string> {
    return Buffer.from((await generateDeviceKeyPair()).publicKey).toString('base64url');
  }

  async function enroll(code: string, publicKey?: string): Promise<CallResult> {
    return call(api().baseUrl, 'POST', '/api/enrollments', { json: { code, publicKey: publicKey ?? (await devicePublicKey()) } });
  }

  function checkCertificate(enrolled: DeviceEnrolled, trustAnchor = enrolled.trustAnchor, clinicId = enrolled.clinicId): Promise<CertificateCheck> {
    const expected = { clinicId, deviceId: enrolled.deviceId, trustAnchor: Buffer.from(trustAnchor, 'base64url'), nowMs: Date.now(), isRevoked: () => false };
    return checkDeviceCertificate(Buffer.from(enrolled.certificate, 'base64url'), expected, webCryptoSignatureCheck());
  }

  async function codeRow(code: string): Promise<{ used_at: Date | null; device_id: string | null } | undefined> {
    const rows: { used_at: Date | null; device_id: string | null }[] = await dataSource().query(
      'SELECT used_at, device_id FROM enrollment_codes WHERE code_hash = $1',
      [hashEnrollmentCode(normalizeEnrollmentCode(code)!)],
    );
    return rows[0];
  }

  async function devicesOf(clinicId: string): Promise<number> {
    const rows: { count: string }[] = await dataSource().query('SELECT count(*) FROM devices WHERE clinic_id = $1', [clinicId]);
    return Number(rows[0]?.count);
  }

  it('enrolls a device: its certificate passes the devices\' check under the trust anchor, its credential and peer id work', async () => {
    const clinicId = await newClinic();
    const issuedAtMs = Date.now();
    const issued = await issueCode(clinicId, '  Registration tablet ');
    expect(issued).toEqual({ code: jasmine.stringMatching(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/), clinicId, name: 'Registration tablet', expiresAt: jasmine.any(String) });
    expect(Math.abs(Date.parse(issued.expiresAt) - issuedAtMs - enrollmentLimits.codeValidityMs)).toBeLessThan(requestMsMax);

    const keys = await generateDeviceKeyPair();
    const beforeMs = Date.now();
    const answer = await enroll(issued.code, Buffer.from(keys.publicKey).toString('base64url'));
    const afterMs = Date.now();
    expect(answer.status).withContext(JSON.stringify(answer.body)).toBe(201);
    const enrolled = answer.body as DeviceEnrolled;
    expect(Object.keys(enrolled).sort()).toEqual(['certificate', 'clinicId', 'credential', 'deviceId', 'name', 'peer', 'trustAnchor']);
    expect(enrolled).toEqual(jasmine.objectContaining({ clinicId, name: 'Registration tablet', credential: jasmine.stringMatching(/^cmdev_/) }));

    const checked = await checkCertificate(enrolled);
    if (!checked.ok) throw new Error(`the certificate was refused: ${checked.reason}`);
    const { body } = checked.certificate;
    expect(body).toEqual(jasmine.objectContaining({ clinicId, deviceId: enrolled.deviceId, serial: 1 }));
    expect(Buffer.from(body.publicKey).equals(Buffer.from(keys.publicKey))).withContext('the device\'s own key').toBeTrue();
    expect(body.notBeforeMs).toBeGreaterThanOrEqual(beforeMs);
    expect(body.notBeforeMs).toBeLessThanOrEqual(afterMs);
    expect(body.notAfterMs - body.notBeforeMs).toBe(enrollmentLimits.certificateValidityMs);
    const asAnotherDevice = await checkCertificate({ ...enrolled, deviceId: missingClinicId });
    expect(asAnotherDevice.ok ? 'accepted' : asAnotherDevice.refusal).toBe('otherDevice');

    const me = await call(api().baseUrl, 'GET', '/api/me', { token: enrolled.credential });
    expect(me).toEqual(jasmine.objectContaining({ status: 200, body: { kind: 'device', deviceId: enrolled.deviceId, clinicId } }));
    const peer = await call(api().baseUrl, 'GET', '/api/signaling/peer-credentials', { token: enrolled.credential });
    expect(peer.status).toBe(200);
    expect(peer.body).toEqual(enrolled.peer);
    expect(enrolled.peer.peerId).toBe(`${clinicId}_${enrolled.deviceId}`);

    const clinic = await call(api().baseUrl, 'GET', `/api/clinics/${clinicId}`, { token: api().adminToken });
    expect((clinic.body as { devices: { deviceId: string; name: string }[] }).devices).toEqual([jasmine.objectContaining({ deviceId: enrolled.deviceId, name: 'Registration tablet' })]);
    expect(await codeRow(issued.code)).toEqual({ used_at: jasmine.any(Date), device_id: enrolled.deviceId });
    const stored: { public_key: Buffer; certificate_serial: number }[] = await dataSource().query('SELECT public_key, certificate_serial FROM devices WHERE id = $1', [enrolled.deviceId]);
    expect(stored[0]?.public_key.equals(Buffer.from(keys.publicKey))).toBeTrue();
    expect(stored[0]?.certificate_serial).toBe(1);
    const anchors: { public_key: Buffer }[] = await dataSource().query('SELECT public_key FROM clinic_signing_keys WHERE clinic_id = $1', [clinicId]);
    expect(anchors.map((row) => row.public_key.toString('base64url'))).toEqual([enrolled.trustAnchor]);
  });

  it('keeps only the hash of a code, and takes the code as people type it: any case, spaces, I and O for 1 and 0', async () => {
    const clinicId = await newClinic();
    const { code } = await issueCode(clinicId);
    const stored: { code_hash: Buffer }[] = await dataSource().query('SELECT code_hash FROM enrollment_codes WHERE clinic_id = $1', [clinicId]);
    expect(stored.length).toBe(1);
    expect(JSON.stringify(await dataSource().query('SELECT * FROM enrollment_codes WHERE clinic_id = $1', [clinicId]))).not.toContain(code.replace(/-/g, ''));
    const typed = ` ${code.toLowerCase().replace(/-/g, ' ').replace(/1/g, 'l').replace(/0/g, 'o')} `;
    expect((await enroll(typed)).status).toBe(201);
  });

  it('enrolls once per code: a second use is 410 and changes nothing', async () => {
    const clinicId = await newClinic();
    const { code } = await issueCode(clinicId);
    const first = await enroll(code);
    expect(first.status).toBe(201);
    const usedRow = await codeRow(code);
    const again = await enroll(code);
    expect(again.status).toBe(410);
    expect(again.body).toEqual({ statusCode: 410, error: 'Gone', message: jasmine.stringMatching(/used already.*ask your admin for a new code/) });
    expect(await devicesOf(clinicId)).toBe(1);
    expect(await codeRow(code)).toEqual(usedRow);
  });

  it('refuses an expired code with 410 and enrolls nothing', async () => {
    const clinicId = await newClinic();
    const { code } = await issueCode(clinicId);
    await dataSource().query("UPDATE enrollment_codes SET created_at = now() - interval '8 days', expires_at = now() - interval '1 day' WHERE code_hash = $1", [
      hashEnrollmentCode(normalizeEnrollmentCode(code)!),
    ]);
    const answer = await enroll(code);
    expect(answer.status).toBe(410);
    expect((answer.body as { message: string }).message).toMatch(/expired \(a code lasts 7 days\): ask your admin for a new code/);
    expect(await devicesOf(clinicId)).toBe(0);
    expect(await codeRow(code)).toEqual({ used_at: null, device_id: null });
  });

  it('answers 404 for a code never issued, and 400 for what is no code at all', async () => {
    const unknown = await enroll('7KQ4-M2XD-9RTB');
    expect(unknown.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'No such enrollment code: check what was typed, or ask your admin for a new code' });
    for (const code of ['', '7KQ4-M2XD', '7KQ4-M2XD-9RTBX', '7KQ4-M2XD-9RTU', '7KQ4_M2XD_9RTB']) {
      const answer = await enroll(code);
      expect(answer.status).withContext(code).toBe(400);
      expect((answer.body as { message: string }).message).withContext(code).toMatch(/^code is not an enrollment code: one has 12 characters/);
    }
    for (const body of [{}, { code: 7, publicKey: await devicePublicKey() }, { code: '7KQ4-M2XD-9RTB' }, { code: 'x'.repeat(65), publicKey: await devicePublicKey() }]) {
      const answer = await call(api().baseUrl, 'POST', '/api/enrollments', { json: body });
      expect(answer.status).withContext(JSON.stringify(body).slice(0, 40)).toBe(400);
    }
  });

  it('refuses a public key that is not P-256 SPKI with 400 saying why, and the code stays usable', async () => {
    const clinicId = await newClinic();
    const { code } = await issueCode(clinicId);
    const spki = (pair: { publicKey: { export(options: { format: 'der'; type: 'spki' }): Buffer } }) => pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64url');
    const badKeys: [string, string, RegExp][] = [
      ['random bytes', randomBytes(91).toString('base64url'), /not a public key in SPKI form/],
      ['an RSA key', spki(generateKeyPairSync('rsa', { modulusLength: 1024 })), /an RSA key, not an ECDSA P-256 key/],
      ['a P-384 key', spki(generateKeyPairSync('ec', { namedCurve: 'secp384r1' })), /curve secp384r1, not P-256/],
      ['a P-256 key with a character that is not base64url', `${await devicePublicKey()}+`, /not base64url/],
    ];
    for (const [what, publicKey, reason] of badKeys) {
      const answer = await enroll(code, publicKey);
      expect(answer.status).withContext(what).toBe(400);
      expect((answer.body as { message: string }).message).withContext(what).toMatch(reason);
    }
    expect(await codeRow(code)).toEqual({ used_at: null, device_id: null });
    expect(await devicesOf(clinicId)).toBe(0);
    expect((await enroll(code)).status).toBe(201);
  });

  it('answers 409 when the clinic is full, and the code stays usable until there is room', async () => {
    const clinicId = await newClinic();
    const { code } = await issueCode(clinicId);
    await dataSource().query(
      "INSERT INTO devices (clinic_id, name, credential_hash) SELECT $1::uuid, 'Tablet ' || n, sha256(convert_to($1::text || '/' || n, 'UTF8')) FROM generate_series(1, $2) AS n",
      [clinicId, clinicLimits.devicesPerClinicMax],
    );
    const full = await enroll(code);
    expect(full.status).toBe(409);
    expect((full.body as { message: string }).message).toMatch(/already has 100 devices, the most allowed; the code was not used/);
    expect(await codeRow(code)).toEqual({ used_at: null, device_id: null });
    expect(await devicesOf(clinicId)).toBe(clinicLimits.devicesPerClinicMax);

    await dataSource().query("DELETE FROM devices WHERE clinic_id = $1 AND name = 'Tablet 1'", [clinicId]);
    expect((await enroll(code)).status).toBe(201);
    expect(await devicesOf(clinicId)).toBe(clinicLimits.devicesPerClinicMax);
  });

  it('gives each clinic its own signing key: one clinic\'s certificate fails under the other\'s anchor', async () => {
    const [first, second] = await Promise.all([newClinic('Kisoro'), newClinic('Rubanda')]);
    const firstEnrolled = (await enroll((await issueCode(first)).code)).body as DeviceEnrolled;
    const secondEnrolled = (await enroll((await issueCode(second)).code)).body as DeviceEnrolled;
    expect(firstEnrolled.trustAnchor).not.toBe(secondEnrolled.trustAnchor);
    expect((await checkCertificate(secondEnrolled)).ok).toBeTrue();
    const underOther = await checkCertificate(firstEnrolled, secondEnrolled.trustAnchor, second);
    expect(underOther.ok ? 'accepted' : underOther.refusal).toBe('badSignature');
  });

  it('lets exactly one of two simultaneous uses of a code enroll', async () => {
    const clinicId = await newClinic();
    const { code } = await issueCode(clinicId);
    const [publicKey, otherPublicKey] = await Promise.all([devicePublicKey(), devicePublicKey()]);
    const answers = await Promise.all([enroll(code, publicKey), enroll(code, otherPublicKey)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 410]);
    expect(await devicesOf(clinicId)).toBe(1);
  });

  it('makes one signing key for a clinic whose first two codes are made at once, and signs both certificates with it', async () => {
    const clinicId = await newClinic();
    const codes = await Promise.all([issueCode(clinicId, 'Nurse tablet'), issueCode(clinicId, 'Pharmacy desktop')]);
    const answers = await Promise.all(codes.map(({ code }) => enroll(code)));
    expect(answers.map((answer) => answer.status)).toEqual([201, 201]);
    const [first, second] = answers.map((answer) => answer.body as DeviceEnrolled);
    expect(first!.trustAnchor).toBe(second!.trustAnchor);
    const keys: unknown[] = await dataSource().query('SELECT 1 FROM clinic_signing_keys WHERE clinic_id = $1', [clinicId]);
    expect(keys.length).toBe(1);
  });

  it('lets only an admin make codes, for a clinic that exists, for a device with a name', async () => {
    const { clinicId, credential } = await clinicWithDevice(api());
    const path = `/api/clinics/${clinicId}/enrollment-codes`;
    expect((await call(api().baseUrl, 'POST', path, { json: { name: 'Tablet' } })).status).toBe(401);
    expect((await call(api().baseUrl, 'POST', path, { token: credential, json: { name: 'Tablet' } })).status).toBe(403);
    const missing = await call(api().baseUrl, 'POST', `/api/clinics/${missingClinicId}/enrollment-codes`, { token: api().adminToken, json: { name: 'Tablet' } });
    expect(missing.body).toEqual({ statusCode: 404, error: 'Not Found', message: `Clinic ${missingClinicId} does not exist` });
    for (const name of ['', '   ', 'Tab\u0000let', 'x'.repeat(clinicLimits.deviceNameCharactersMax + 1)]) {
      const answer = await call(api().baseUrl, 'POST', path, { token: api().adminToken, json: { name } });
      expect(answer.status).withContext(JSON.stringify(name).slice(0, 20)).toBe(400);
    }
    const stored: unknown[] = await dataSource().query('SELECT 1 FROM enrollment_codes WHERE clinic_id = $1', [clinicId]);
    expect(stored.length).withContext('no code made by a refused call').toBe(0);
    const keys: unknown[] = await dataSource().query('SELECT 1 FROM clinic_signing_keys WHERE clinic_id = $1', [clinicId]);
    expect(keys.length).withContext('no signing key made by a refused call').toBe(0);
  });

  it('documents enrollment in the OpenAPI document: the code route for admins, enrollment open to anyone with a code', async () => {
    const document = (await call(api().baseUrl, 'GET', '/api/docs-json')).body as { paths: Record<string, Record<string, { security?: unknown[]; responses: object }>> };
    const codes = document.paths['/api/clinics/{clinicId}/enrollment-codes']?.['post'];
    const enrollments = document.paths['/api/enrollments']?.['post'];
    expect(codes?.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(codes?.responses ?? {})).toEqual(jasmine.arrayContaining(['201', '400', '401', '403', '404']));
    expect(enrollments?.security).toEqual([]);
    expect(Object.keys(enrollments?.responses ?? {})).toEqual(jasmine.arrayContaining(['201', '400', '404', '409', '410']));
    expect(Object.keys(enrollments?.responses ?? {})).not.toContain('401');
  });
});
