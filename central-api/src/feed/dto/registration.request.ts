// The body of POST /api/clinics/:clinicId/feed/registrations: a patient registered at central for the
// clinic. The fields of a registerPatient command; nested values (name, birth, identifiers, address, next of
// kin) are checked field by field by the clinics' own command validator (feed-envelopes.ts).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsObject, IsOptional, IsString, IsUUID } from 'class-validator';
import { labelLengthMax, sexes, type Sex } from '../../../../leader-worker/src/chart/index.js';
import { IsDisplayName } from '../../clinics/dto/display-name.decorator.js';

export class RegistrationRequest {
  @ApiProperty({ format: 'uuid', description: "the patient's id, chosen by the sender: a retry with the same id adds nothing" })
  @IsUUID()
  patientId!: string;

  @ApiProperty({ type: Object, example: { given: 'Amina', family: 'Nakato' } })
  @IsObject()
  name!: Record<string, unknown>;

  @ApiProperty({ enum: sexes })
  @IsIn(sexes)
  sex!: Sex;

  @ApiProperty({ type: Object, example: { estimated: false, dateOfBirth: '1990-04-12' }, description: '{ estimated: false, dateOfBirth } or { estimated: true, birthYear }' })
  @IsObject()
  birth!: Record<string, unknown>;

  @ApiPropertyOptional({ type: [Object], example: [{ system: 'national-id', value: 'CM90012345' }] })
  @IsOptional()
  @IsArray()
  identifiers?: unknown[];

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  phone?: string | null;

  @ApiPropertyOptional({ type: Object, nullable: true, example: { village: 'Rubanda', details: null } })
  @IsOptional()
  @IsObject()
  address?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: Object, nullable: true, example: { name: 'Grace Nakato', relationship: 'mother', phone: null } })
  @IsOptional()
  @IsObject()
  nextOfKin?: Record<string, unknown> | null;

  @ApiProperty({ example: 'Central records office', maxLength: labelLengthMax, description: 'who registered the patient: the author the clinic sees' })
  @IsDisplayName(labelLengthMax)
  registeredBy!: string;
}
