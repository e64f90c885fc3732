// What GET /api/ops/clinics answers: one entry per clinic, for central staff watching the network.
import { ApiProperty } from '@nestjs/swagger';
import { chartPolicies, type ChartPolicy } from '../../clinics/clinic-limits.js';
import { clockSkewLimitMs } from '../../../../leader-worker/src/uplink/central-protocol.js';

export class OpsDeviceResponse {
  @ApiProperty({ format: 'uuid' }) deviceId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'when the device last called central' }) lastSeenAt!: string | null;
}

export class OpsLeaderResponse {
  @ApiProperty({ format: 'uuid' }) deviceId!: string;
  @ApiProperty() name!: string;
}

export class OpsLeaderClockResponse {
  @ApiProperty({ description: "the leader's clock minus central's, in ms, when the upload arrived" }) skewMs!: number;
  @ApiProperty({ description: `past the limit a clinic is warned at (${clockSkewLimitMs} ms): a tablet with a wrong date or time` }) beyondLimit!: boolean;
  @ApiProperty({ format: 'date-time' }) checkedAt!: string;
}

export class OpsClinicResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: chartPolicies }) chartPolicy!: ChartPolicy;

  @ApiProperty({ nullable: true, type: OpsLeaderResponse, description: 'the device that made the last upload (the leader then)' })
  leaderDevice!: OpsLeaderResponse | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUploadAt!: string | null;
  @ApiProperty({ description: 'the highest index up to which central holds every entry' }) acknowledgedIndex!: number;
  @ApiProperty({ nullable: true, type: Number, description: "the commit index the leader reported with its last upload" }) leaderCommitIndex!: number | null;

  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'entries the leader reported committed that central has not acknowledged (leaderCommitIndex - acknowledgedIndex, as of the last upload); null when the leader did not report its commit index. How stale that is: lastUploadAt.',
  })
  lagEntries!: number | null;

  @ApiProperty({
    nullable: true,
    type: OpsLeaderClockResponse,
    description: "the leader's clock against central's at the last upload that reported it; null when none did",
  })
  leaderClock!: OpsLeaderClockResponse | null;

  @ApiProperty({
    description: "the log index central's chart copy has applied up to: it catches up after uploads, so it may trail acknowledgedIndex briefly. chartStateHash, patients and the counts of the copy are as of this index",
  })
  chartAppliedIndex!: number;

  @ApiProperty({ nullable: true, type: String, description: "state hash of central's chart copy at chartAppliedIndex: equal to every device's that applied the same log" })
  chartStateHash!: string | null;

  @ApiProperty() patients!: number;
  @ApiProperty({ description: "open chart conflicts in central's copy (stale edits waiting for a person)" }) openConflicts!: number;
  @ApiProperty({ description: 'uploaded entries that differed from the stored ones, refused and not yet resolved' }) openDivergences!: number;
  @ApiProperty({
    description: 'entries the clinic wrote under a chart lease epoch since granted to another clinic, not yet resolved: kept in its log, never exported (GET /api/ops/fencing-conflicts)',
  })
  fencingConflicts!: number;
  @ApiProperty({ description: 'committed commands the chart state machine rejected' }) rejectedCommands!: number;
  @ApiProperty({ description: 'committed commands that opened a conflict' }) conflictingCommands!: number;
  @ApiProperty({ description: 'chart leases the clinic holds now' }) activeLeases!: number;
  @ApiProperty({ type: [OpsDeviceResponse] }) devices!: OpsDeviceResponse[];
}

export class OpsClinicsResponse {
  @ApiProperty({ type: [OpsClinicResponse], description: 'by name' }) clinics!: OpsClinicResponse[];
}
