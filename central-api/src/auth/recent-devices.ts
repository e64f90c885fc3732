// The devices this process authenticated lately, by credential hash, so a device's many requests (an upload
// and a feed poll every few seconds) do not each read its row before doing their work. Only found devices
// are kept: an unknown credential is looked up every time, and cannot fill this.
//
// A revocation makes the process that revoked the device forget it here at once (forget); another API process
// trusts its own cached lookup for up to cachedMs more.
export const recentDeviceLimits = {
  /** How long a lookup is trusted. */
  cachedMs: 30_000,
  /** Devices kept; past this the memory starts over (some extra lookups, no growth without end). */
  devicesCachedMax: 100_000,
};

export interface KnownDevice {
  readonly id: string;
  readonly clinicId: string;
}

export class RecentDevices {
  private readonly byCredentialHash = new Map<string, { readonly device: KnownDevice; readonly expiresAtMs: number }>();

  find(credentialHash: Buffer, nowMs: number): KnownDevice | undefined {
    const key = credentialHash.toString('hex');
    const known = this.byCredentialHash.get(key);
    if (known === undefined) return undefined;
    if (nowMs < known.expiresAtMs) return known.device;
    this.byCredentialHash.delete(key);
    return undefined;
  }

  /** Forgets `deviceId` (revoked): its next request is looked up, and refused. Rare: a walk over the cache. */
  forget(deviceId: string): void {
    for (const [key, known] of this.byCredentialHash) if (known.device.id === deviceId) this.byCredentialHash.delete(key);
  }

  remember(credentialHash: Buffer, device: KnownDevice, nowMs: number): void {
    if (this.byCredentialHash.size >= recentDeviceLimits.devicesCachedMax) this.byCredentialHash.clear();
    this.byCredentialHash.set(credentialHash.toString('hex'), { device: { id: device.id, clinicId: device.clinicId }, expiresAtMs: nowMs + recentDeviceLimits.cachedMs });
  }
}
