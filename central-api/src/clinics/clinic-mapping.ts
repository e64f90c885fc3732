// Rows to responses, explicitly: a new column never leaks into the API by accident.
import type { ClinicEntity } from './clinic.entity.js';
import type { DeviceEntity } from './device.entity.js';
import type { ClinicResponse, DeviceSummaryResponse } from './dto/clinic.responses.js';

export function toClinicResponse(clinic: ClinicEntity, devices: readonly DeviceEntity[]): ClinicResponse {
  return {
    id: clinic.id,
    name: clinic.name,
    chartPolicy: clinic.chartPolicy,
    createdAt: clinic.createdAt.toISOString(),
    devices: devices.map(toDeviceSummary),
  };
}

export function toDeviceSummary(device: DeviceEntity): DeviceSummaryResponse {
  return {
    deviceId: device.id,
    name: device.name,
    enrolledAt: device.createdAt.toISOString(),
    lastSeenAt: device.lastSeenAt?.toISOString() ?? null,
  };
}
