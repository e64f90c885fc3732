// Revoking a device at central, on real PostgreSQL: the device's credential stops working, the clinic's feed
// carries a revokeDevice command its devices apply, a repeat changes nothing, and a device of another clinic or
// none at all is not found.
import { ChartStateMachine } from '../../../leader-worker/src/chart/index.js';
import { call, clinicWithDevice, testAppPerSuite } from '../support/test-app.js';

describe('revoking a device', () => {
  const api = testAppPerSuite();
  const body = { reason: 'reported stolen from the pharmacy', revokedBy: 'Ops desk' };

  it('stops its credential, and the clinic\'s feed carries the revocation its devices apply', async () => {
    const { clinicId, deviceId, credential } = await clinicWithDevice(api(), 'Kisoro');
    expect((await call(api().baseUrl, 'GET', `/api/clinics/${clinicId}/feed`, { token: credential })).status).toBe(200);

    const revoked = await call(api().baseUrl, 'POST', `/api/clinics/${clinicId}/devices/${deviceId}/revocation`, { token: api().adminToken, json: body });
    expect(revoked.status).toBe(201);
    expect(revoked.body).toEqual({ deviceId, revokedAt: jasmine.any(String), reason: body.reason, feedCursor: jasmine.any(String) });
    expect((await call(api().baseUrl, 'GET', `/api/clinics/${clinicId}/feed`, { token: credential })).status).withContext('the revoked credential').toBe(401);

    const feed = await call(api().baseUrl, 'GET', `/api/clinics/${clinicId}/feed`, { token: api().adminToken });
    const items = (feed.body as { items: { kind: string; payload: { clientId: string; command: unknown } }[] }).items;
    const revocation = items.find((item) => item.kind === 'deviceRevoked');
    expect(revocation?.payload.clientId).toBe('central-feed');
    expect(revocation?.payload.command).toEqual({ type: 'revokeDevice', deviceId, reason: body.reason });
    // A clinic's device applies it: the same machine every device runs.
    const machine = new ChartStateMachine('clinic-1');
    expect(machine.apply(1, revocation!.payload).type).toBe('applied');
    expect(machine.isDeviceRevoked(deviceId)).toBeTrue();
  });

  it('answers a repeat with the revocation on record, and adds nothing to the feed', async () => {
    const { clinicId, deviceId } = await clinicWithDevice(api(), 'Rubanda');
    const path = `/api/clinics/${clinicId}/devices/${deviceId}/revocation`;
    const first = await call(api().baseUrl, 'POST', path.toUpperCase().replace('/API/CLINICS/', '/api/clinics/').replace('/DEVICES/', '/devices/').replace('/REVOCATION', '/revocation'), { token: api().adminToken, json: body });
    expect(first.status).withContext('the device named in capitals').toBe(201);
    expect((first.body as { deviceId: string }).deviceId).toBe(deviceId);
    const again = await call(api().baseUrl, 'POST', path, { token: api().adminToken, json: { reason: 'another reason', revokedBy: 'Someone else' } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const feed = await call(api().baseUrl, 'GET', `/api/clinics/${clinicId}/feed`, { token: api().adminToken });
    expect((feed.body as { items: { kind: string }[] }).items.filter((item) => item.kind === 'deviceRevoked').length).toBe(1);
  });

  it('finds no device of another clinic, and refuses devices and bad bodies', async () => {
    const home = await clinicWithDevice(api(), 'Kabale');
    const other = await clinicWithDevice(api(), 'Ntungamo');
    const path = `/api/clinics/${home.clinicId}/devices/${other.deviceId}/revocation`;
    expect((await call(api().baseUrl, 'POST', path, { token: api().adminToken, json: body })).status).toBe(404);
    const own = `/api/clinics/${home.clinicId}/devices/${home.deviceId}/revocation`;
    expect((await call(api().baseUrl, 'POST', own, { token: home.credential, json: body })).status).toBe(403);
    expect((await call(api().baseUrl, 'POST', own, { token: api().adminToken, json: { reason: ' ', revokedBy: 'Ops desk' } })).status).toBe(400);
    expect((await call(api().baseUrl, 'POST', own, { token: api().adminToken, json: { reason: 'lost' } })).status).toBe(400);
    // Nothing was revoked by any of it.
    expect((await call(api().baseUrl, 'GET', `/api/clinics/${home.clinicId}/feed`, { token: home.credential })).status).toBe(200);
  });
});
