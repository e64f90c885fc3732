// Records when each device was last heard from, cheaply: at most one write per device per interval, from
// each process (a memory of recent writes) and across processes (the UPDATE's own condition).
import { Injectable } from '@nestjs/common';
import { DevicesRepository } from '../clinics/devices.repository.js';

export const lastSeenLimits = {
  /** Ops read "last heard from" in minutes; a finer time would cost a write on every call. */
  writeIntervalMs: 30_000,
  /** Devices remembered; past this the memory starts over (a few extra writes, no growth without end). */
  devicesRememberedMax: 100_000,
};

@Injectable()
export class LastSeenRecorder {
  private readonly lastWriteMs = new Map<string, number>();

  constructor(private readonly devices: DevicesRepository) {}

  async record(deviceId: string, nowMs = Date.now()): Promise<void> {
    const lastWriteMs = this.lastWriteMs.get(deviceId);
    if (lastWriteMs !== undefined && nowMs - lastWriteMs < lastSeenLimits.writeIntervalMs) return;
    if (this.lastWriteMs.size >= lastSeenLimits.devicesRememberedMax) this.lastWriteMs.clear();
    this.lastWriteMs.set(deviceId, nowMs);
    await this.devices.recordSeen(deviceId, lastSeenLimits.writeIntervalMs);
  }
}
