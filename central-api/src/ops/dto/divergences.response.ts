// What GET /api/ops/divergences answers: uploaded entries that differed from the one central held at their
// index (the upload was refused), newest first.
import { ApiProperty } from '@nestjs/swagger';

export class DivergenceResponse {
  @ApiProperty({ description: 'the id to resolve it by' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clinicId!: string;
  @ApiProperty() logIndex!: number;
  @ApiProperty({ description: 'term and kind of the entry central holds' }) storedTerm!: number;
  @ApiProperty() storedKind!: string;
  @ApiProperty({ description: 'term and kind of the differing entry uploaded' }) receivedTerm!: number;
  @ApiProperty() receivedKind!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'the device that uploaded it' }) deviceId!: string | null;
  @ApiProperty() occurrences!: number;
  @ApiProperty({ format: 'date-time' }) firstSeenAt!: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) resolvedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolution!: string | null;
}

export class DivergencesResponse {
  @ApiProperty({ type: [DivergenceResponse] }) divergences!: DivergenceResponse[];
}
