// The body of POST /api/clinics/:clinicId/feed/lab-results: a result from an outside lab for an order the
// clinic made. Top-level fields are checked here; `result` is checked field by field by the clinics' own
// command validator (feed-envelopes.ts), so central never feeds a clinic something its devices refuse.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsUUID } from 'class-validator';
import { labInterpretations, labelLengthMax, type LabInterpretation } from '../../../../leader-worker/src/chart/index.js';
import { IsDisplayName } from '../../clinics/dto/display-name.decorator.js';

export class LabResultRequest {
  @ApiProperty({ format: 'uuid', description: "the result's id, chosen by the sender: a retry with the same id adds nothing" })
  @IsUUID()
  labResultId!: string;

  @ApiProperty({ format: 'uuid', description: 'the lab order the clinic recorded (orderLab)' })
  @IsUUID()
  labOrderId!: string;

  @ApiProperty({
    type: Object,
    example: { kind: 'numeric', value: 11.2, unit: 'g/dL' },
    description: "{ kind: 'numeric', value, unit } or { kind: 'text', text }",
  })
  @IsObject()
  result!: Record<string, unknown>;

  @ApiPropertyOptional({ enum: labInterpretations, nullable: true })
  @IsOptional()
  @IsIn(labInterpretations)
  interpretation?: LabInterpretation | null;

  @ApiProperty({ example: 'Kabale Regional Referral Laboratory', maxLength: labelLengthMax, description: 'who sends the result: the author the clinic sees' })
  @IsDisplayName(labelLengthMax)
  laboratory!: string;
}
