// A device central revoked (a stolen tablet), as central's feed writes it into the clinic log: every device
// reads it to refuse links with that device, it is only central's to write, it survives a snapshot, and a
// snapshot written before revocations existed restores with none.
import { ChartStateMachine } from '../../src/chart/chart-state-machine.js';
import { deviceRevocationEnvelope, feedClientId } from '../../src/chart/feed-envelopes.js';
import { ChartHarness, noon, restoreOrFail } from './chart-harness.js';

function revocation(deviceId: unknown, reason: unknown = 'reported stolen'): Record<string, unknown> {
  return { type: 'revokeDevice', deviceId, reason };
}

describe('a device revoked in the clinic log', () => {
  it('is recorded from central\'s feed, changes the state hash, and a second revocation keeps the first', () => {
    const harness = new ChartHarness();
    const before = harness.machine.stateHash();
    const eventId = harness.ok(revocation('tablet-7'), { clientId: feedClientId, recordedAt: noon });
    expect(harness.machine.isDeviceRevoked('tablet-7')).toBeTrue();
    expect(harness.machine.isDeviceRevoked('tablet-8')).toBeFalse();
    expect(harness.machine.stateHash()).not.toBe(before);
    harness.ok(revocation('tablet-7', 'found, then lost again'), { clientId: feedClientId, recordedAt: noon + 1000 });
    expect(harness.machine.revokedDevices()).toEqual([{ deviceId: 'tablet-7', reason: 'reported stolen', revokedAt: noon, revokedEventId: eventId }]);
  });

  it('cannot be written by a device of the clinic', () => {
    const harness = new ChartHarness();
    expect(harness.propose(revocation('tablet-7'), { clientId: 'tablet-3' })).toEqual({
      type: 'rejected', error: { code: 'not-from-central', field: 'command', message: 'only central revokes a device' },
    });
    expect(harness.machine.isDeviceRevoked('tablet-7')).toBeFalse();
  });

  it('refuses a revocation without a device or a reason, or with unknown fields', () => {
    const harness = new ChartHarness();
    for (const bad of [revocation(''), revocation(7), revocation('tablet-7', ''), revocation('x'.repeat(1000)), { ...revocation('tablet-7'), extra: 1 }, { type: 'revokeDevice', deviceId: 'tablet-7' }]) {
      expect(harness.propose(bad, { clientId: feedClientId }).type).withContext(JSON.stringify(bad)).toBe('rejected');
    }
    expect(harness.machine.revokedDevices()).toEqual([]);
  });

  it('is what central\'s feed envelope builds', () => {
    const built = deviceRevocationEnvelope({ deviceId: 'tablet-7', reason: 'reported stolen', revokedBy: 'Ops desk' })(4, noon);
    expect(built.ok).toBeTrue();
    const harness = new ChartHarness();
    if (built.ok) expect(harness.apply(built.value).type).toBe('applied');
    expect(harness.machine.isDeviceRevoked('tablet-7')).toBeTrue();
  });

  it('survives a snapshot; a version 2 snapshot restores with no revocations; a broken list is refused', () => {
    const harness = new ChartHarness();
    harness.ok(revocation('tablet-7'), { clientId: feedClientId });
    const restored = restoreOrFail(harness.machine.snapshot());
    expect(restored.revokedDevices()).toEqual(harness.machine.revokedDevices());
    expect(restored.stateHash()).toBe(harness.machine.stateHash());

    const current = JSON.parse(new TextDecoder().decode(new ChartStateMachine('clinic-1').snapshot())) as Record<string, unknown>;
    const versionTwo: Record<string, unknown> = { ...current, version: 2 };
    delete versionTwo['revokedDevices'];
    const older = ChartStateMachine.restore(new TextEncoder().encode(JSON.stringify(versionTwo)));
    expect(older.type).toBe('restored');
    if (older.type === 'restored') expect(older.machine.revokedDevices()).toEqual([]);
    const broken = ChartStateMachine.restore(new TextEncoder().encode(JSON.stringify({ ...current, revokedDevices: 'x' })));
    expect(broken).toEqual({ type: 'invalid', reason: 'no revoked devices' });
  });
});
