// Routes reading central's copy of a clinic's charts, for central staff and the clinic's own devices.
import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { ChartsService } from './charts.service.js';
import { PatientChartResponse, PatientSearchResponse } from './dto/chart.responses.js';
import { SearchPatientsQuery } from './dto/search-patients.query.js';

@ApiTags('charts')
@ApiBearerAuth()
@Controller('clinics/:clinicId/patients')
export class ChartsController {
  constructor(private readonly charts: ChartsService) {}

  @Get()
  @Access('admin', 'device')
  @ApiOkResponse({ type: PatientSearchResponse })
  search(@Param('clinicId', ParseUUIDPipe) clinicId: string, @Query() query: SearchPatientsQuery): Promise<PatientSearchResponse> {
    return this.charts.searchPatients(clinicId, query);
  }

  @Get(':patientId')
  @Access('admin', 'device')
  @ApiOkResponse({ type: PatientChartResponse })
  open(@Param('clinicId', ParseUUIDPipe) clinicId: string, @Param('patientId', ParseUUIDPipe) patientId: string): Promise<PatientChartResponse> {
    return this.charts.openChart(clinicId, patientId);
  }
}
