// The body of PUT /api/clinics/:clinicId/horizon: which other clinics' patients this clinic pre-caches, and how
// many years of each category of their history (seed 5b: 1 to 5, or 6 for all).
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { historyYearsChoices, type HistoryDepth, type HistoryYears } from '../../../../leader-worker/src/chart/index.js';
import { horizonLimits } from '../horizon-limits.js';

export class HistoryDepthRequest implements HistoryDepth {
  @ApiProperty({ enum: historyYearsChoices, description: 'years of visits with their vitals, notes and diagnoses; 6: all' })
  @IsIn(historyYearsChoices)
  encounters!: HistoryYears;

  @ApiProperty({ enum: historyYearsChoices, description: 'years of lab orders with their results; 6: all' })
  @IsIn(historyYearsChoices)
  labs!: HistoryYears;

  @ApiProperty({ enum: historyYearsChoices, description: 'years of prescriptions with their dispenses; 6: all' })
  @IsIn(historyYearsChoices)
  prescriptions!: HistoryYears;
}

export class HorizonRequest {
  @ApiProperty({
    type: [String], format: 'uuid', maxItems: horizonLimits.fromClinicsMax,
    description: 'clinics whose patients this clinic also holds (a new clinic opened beside them, a mobile clinic serving their villages)',
  })
  @IsArray()
  @ArrayMaxSize(horizonLimits.fromClinicsMax)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  fromClinicIds!: string[];

  @ApiProperty({ description: 'every patient registered at those clinics' })
  @IsBoolean()
  registeredThere!: boolean;

  @ApiProperty({ minimum: 0, maximum: horizonLimits.seenWithinDaysMax, description: 'patients seen at those clinics within this many days (0: none by this rule)' })
  @IsInt()
  @Min(0)
  @Max(horizonLimits.seenWithinDaysMax)
  seenWithinDays!: number;

  @ApiProperty({ minimum: 0, maximum: horizonLimits.appointmentsWithinDaysMax, description: 'patients with an appointment there from today to this many days ahead' })
  @IsInt()
  @Min(0)
  @Max(horizonLimits.appointmentsWithinDaysMax)
  appointmentsWithinDays!: number;

  @ApiProperty({ type: HistoryDepthRequest, description: 'how much history of every patient this clinic gets from other clinics; demographics and allergies always whole' })
  @ValidateNested()
  @Type(() => HistoryDepthRequest)
  years!: HistoryDepthRequest;
}
