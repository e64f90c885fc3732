// What GET /api/ops/fencing-conflicts answers: entries written under a stale chart lease epoch, newest first.
import { ApiProperty } from '@nestjs/swagger';

export class FencingConflictResponse {
  @ApiProperty({ description: 'the id to resolve it by' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'the clinic that wrote the entry' }) clinicId!: string;
  @ApiProperty({ description: "the entry's index in that clinic's log" }) logIndex!: number;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ description: "the epoch of the lease the clinic's own log held for the chart when the entry was applied (0: none)" }) writtenEpoch!: number;
  @ApiProperty({ description: "the chart's newest grant when the entry was found stale" }) currentEpoch!: number;
  @ApiProperty({ format: 'uuid', description: 'the clinic that newest grant went to' }) currentHolderClinicId!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) resolvedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolution!: string | null;
}

export class FencingConflictsResponse {
  @ApiProperty({ type: [FencingConflictResponse] }) conflicts!: FencingConflictResponse[];
}
