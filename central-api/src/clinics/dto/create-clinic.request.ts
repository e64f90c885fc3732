// The body of POST /api/clinics.
import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { type ChartPolicy, chartPolicies, clinicLimits } from '../clinic-limits.js';
import { IsDisplayName } from './display-name.decorator.js';

export class CreateClinicRequest {
  @ApiProperty({ example: 'Kisoro Health Centre', maxLength: clinicLimits.clinicNameCharactersMax })
  @IsDisplayName(clinicLimits.clinicNameCharactersMax)
  name!: string;

  @ApiProperty({ enum: chartPolicies, description: "'lease': charts lock to one clinic at a time; 'merge': no lockout" })
  @IsIn(chartPolicies)
  chartPolicy!: ChartPolicy;
}
