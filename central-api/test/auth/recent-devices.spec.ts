import { RecentDevices, recentDeviceLimits } from '../../src/auth/recent-devices.js';

describe('RecentDevices', () => {
  const hashOf = (value: number) => Buffer.from(value.toString(16).padStart(8, '0'), 'hex');

  it('forgets everything past its bound instead of growing', () => {
    const recent = new RecentDevices();
    for (let value = 0; value <= recentDeviceLimits.devicesCachedMax; value++) recent.remember(hashOf(value), { id: `d${value}`, clinicId: 'c' }, 0);
    expect(recent.find(hashOf(1), 1)).withContext('remembered before the reset, forgotten by it').toBeUndefined();
    expect(recent.find(hashOf(recentDeviceLimits.devicesCachedMax), 1)).toEqual({ id: `d${recentDeviceLimits.devicesCachedMax}`, clinicId: 'c' });
  });

  it('keeps only the id and clinic of what it is given', () => {
    const recent = new RecentDevices();
    recent.remember(hashOf(7), { id: 'd7', clinicId: 'c', name: 'Nurse tablet' } as { id: string; clinicId: string }, 0);
    expect(recent.find(hashOf(7), 0)).toEqual({ id: 'd7', clinicId: 'c' });
  });
});
