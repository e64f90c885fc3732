// What the horizon routes answer. Built field by field (horizon-mapping.ts), never rows themselves.
import { ApiProperty } from '@nestjs/swagger';
import { historyYearsChoices, type HistoryYears } from '../../../../leader-worker/src/chart/index.js';

export class HistoryDepthResponse {
  @ApiProperty({ enum: historyYearsChoices })
  encounters!: HistoryYears;

  @ApiProperty({ enum: historyYearsChoices })
  labs!: HistoryYears;

  @ApiProperty({ enum: historyYearsChoices })
  prescriptions!: HistoryYears;
}

export class HorizonDownloadResponse {
  @ApiProperty({ minimum: 1, description: 'the horizon revision this download is for' })
  revision!: number;

  @ApiProperty({ minimum: 0, description: 'patients the revision brings that the clinic did not hold' })
  patientsTotal!: number;

  @ApiProperty({ minimum: 0, description: 'of those, the ones queued into the clinic\'s feed so far' })
  patientsQueued!: number;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'when every patient was queued; null while queueing' })
  finishedAt!: string | null;
}

export class HorizonResponse {
  @ApiProperty({ format: 'uuid' })
  clinicId!: string;

  @ApiProperty({ minimum: 0, description: 'grows with every change; 0: never set (the default horizon)' })
  revision!: number;

  @ApiProperty({ type: [String], format: 'uuid' })
  fromClinicIds!: string[];

  @ApiProperty()
  registeredThere!: boolean;

  @ApiProperty({ minimum: 0 })
  seenWithinDays!: number;

  @ApiProperty({ minimum: 0 })
  appointmentsWithinDays!: number;

  @ApiProperty({ type: HistoryDepthResponse })
  years!: HistoryDepthResponse;

  @ApiProperty({ type: HorizonDownloadResponse, nullable: true, description: 'the newest download; null before the first' })
  download!: HorizonDownloadResponse | null;
}
