// Ops rows to responses, explicitly, with the lag computed in one place.
import { safeIntegerFrom } from '../sync/database-numbers.js';
import type { OpsClinicResponse, OpsDeviceResponse } from './dto/ops-clinic.response.js';
import type { ClinicOpsRow, DeviceOpsRow } from './ops.repository.js';

export function toOpsClinicResponse(row: ClinicOpsRow, devices: readonly DeviceOpsRow[]): OpsClinicResponse {
  const acknowledgedIndex = row.acknowledged_index === null ? 0 : safeIntegerFrom(row.acknowledged_index);
  const leaderCommitIndex = row.leader_commit_index === null ? null : safeIntegerFrom(row.leader_commit_index);
  return {
    id: row.id,
    name: row.name,
    chartPolicy: row.chart_policy,
    leaderDevice: row.leader_device_id === null ? null : { deviceId: row.leader_device_id, name: row.leader_device_name ?? '' },
    lastUploadAt: row.last_upload_at?.toISOString() ?? null,
    acknowledgedIndex,
    leaderCommitIndex,
    lagEntries: leaderCommitIndex === null ? null : Math.max(0, leaderCommitIndex - acknowledgedIndex),
    chartStateHash: row.state_hash,
    patients: row.patients ?? 0,
    openConflicts: row.open_conflicts ?? 0,
    openDivergences: row.open_divergences,
    rejectedCommands: row.rejected_commands === null ? 0 : safeIntegerFrom(row.rejected_commands),
    conflictingCommands: row.conflicting_commands === null ? 0 : safeIntegerFrom(row.conflicting_commands),
    activeLeases: row.active_leases,
    devices: devices.map(toOpsDevice),
  };
}

function toOpsDevice(device: DeviceOpsRow): OpsDeviceResponse {
  return { deviceId: device.id, name: device.name, lastSeenAt: device.last_seen_at?.toISOString() ?? null };
}
