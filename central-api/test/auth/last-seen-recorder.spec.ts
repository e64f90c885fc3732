import type { DevicesRepository } from '../../src/clinics/devices.repository.js';
import { lastSeenLimits, LastSeenRecorder } from '../../src/auth/last-seen-recorder.js';

describe('LastSeenRecorder', () => {
  let recordSeen: jasmine.Spy<DevicesRepository['recordSeen']>;
  let recorder: LastSeenRecorder;

  beforeEach(() => {
    recordSeen = jasmine.createSpy('recordSeen').and.resolveTo();
    recorder = new LastSeenRecorder({ recordSeen } as unknown as DevicesRepository);
  });

  it('writes once per device per interval, passing the interval on for other processes to respect', async () => {
    await recorder.record('device-a', 1_000);
    await recorder.record('device-a', 1_000 + lastSeenLimits.writeIntervalMs - 1);
    await recorder.record('device-b', 1_000);
    expect(recordSeen.calls.allArgs()).toEqual([
      ['device-a', lastSeenLimits.writeIntervalMs],
      ['device-b', lastSeenLimits.writeIntervalMs],
    ]);
    await recorder.record('device-a', 1_000 + lastSeenLimits.writeIntervalMs);
    expect(recordSeen).toHaveBeenCalledTimes(3);
  });

  it('forgets everything past the remembered-devices limit instead of growing', async () => {
    for (let device = 0; device <= lastSeenLimits.devicesRememberedMax; device++) await recorder.record(`device-${device}`, 0);
    recordSeen.calls.reset();
    await recorder.record('device-1', 1); // remembered before the reset, forgotten by it
    expect(recordSeen).toHaveBeenCalledOnceWith('device-1', lastSeenLimits.writeIntervalMs);
  });
});
