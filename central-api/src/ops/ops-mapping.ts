// Ops rows to responses, explicitly, with the lag computed in one place.
import { safeIntegerFrom } from '../database/database-numbers.js';
import type { FencingConflictResponse } from './dto/fencing-conflicts.response.js';
import type { OpsClinicResponse, OpsDeviceResponse, OpsLeaderClockResponse } from './dto/ops-clinic.response.js';
import { clockSkewLimitMs } from '../../../leader-worker/src/uplink/central-protocol.js';
import type { DivergenceResponse } from './dto/divergences.response.js';
import type { ClinicOpsRow, DeviceOpsRow, DivergenceRow, FencingConflictRow } from './ops.repository.js';

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
    leaderClock: leaderClockOf(row),
    chartAppliedIndex: row.applied_index === null ? 0 : safeIntegerFrom(row.applied_index),
    chartStateHash: row.state_hash,
    patients: row.patients ?? 0,
    openConflicts: row.open_conflicts ?? 0,
    openDivergences: row.open_divergences,
    fencingConflicts: row.open_fencing_conflicts,
    rejectedCommands: row.rejected_commands === null ? 0 : safeIntegerFrom(row.rejected_commands),
    conflictingCommands: row.conflicting_commands === null ? 0 : safeIntegerFrom(row.conflicting_commands),
    activeLeases: row.active_leases,
    devices: devices.map(toOpsDevice),
  };
}

function toOpsDevice(device: DeviceOpsRow): OpsDeviceResponse {
  return { deviceId: device.id, name: device.name, lastSeenAt: device.last_seen_at?.toISOString() ?? null };
}

export function toFencingConflictResponse(row: FencingConflictRow): FencingConflictResponse {
  return {
    id: row.id,
    clinicId: row.clinic_id,
    logIndex: safeIntegerFrom(row.log_index),
    patientId: row.patient_id,
    writtenEpoch: safeIntegerFrom(row.written_epoch),
    currentEpoch: safeIntegerFrom(row.current_epoch),
    currentHolderClinicId: row.current_holder_clinic_id,
    recordedAt: row.recorded_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolution: row.resolution,
  };
}

export function toDivergenceResponse(row: DivergenceRow): DivergenceResponse {
  return {
    id: row.id,
    clinicId: row.clinic_id,
    logIndex: safeIntegerFrom(row.log_index),
    storedTerm: safeIntegerFrom(row.stored_term),
    storedKind: row.stored_kind,
    receivedTerm: safeIntegerFrom(row.received_term),
    receivedKind: row.received_kind,
    deviceId: row.device_id,
    occurrences: row.occurrences,
    firstSeenAt: row.first_seen_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolution: row.resolution,
  };
}

function leaderClockOf(row: ClinicOpsRow): OpsLeaderClockResponse | null {
  if (row.leader_clock_skew_ms === null || row.leader_clock_checked_at === null) return null;
  const skewMs = safeIntegerFrom(row.leader_clock_skew_ms);
  return { skewMs, beyondLimit: Math.abs(skewMs) > clockSkewLimitMs, checkedAt: row.leader_clock_checked_at.toISOString() };
}
