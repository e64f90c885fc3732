// Routes reading central's copy of a clinic's charts, for central staff and the clinic's own devices.
import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
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
  @ApiOperation({ operationId: 'searchPatients', summary: 'Search the patients of central\'s copy of the clinic\'s charts, as you type' })
  @ApiOkResponse({ type: PatientSearchResponse, description: 'the best matches' })
  @ApiNotFoundResponse({ description: 'no such clinic' })
  @ApiTooManyRequestsResponse({ description: 'too many requests wait for this clinic\'s copy: retry later' })
  search(@Param('clinicId', ParseUUIDPipe) clinicId: string, @Query() query: SearchPatientsQuery): Promise<PatientSearchResponse> {
    return this.charts.searchPatients(clinicId, query);
  }

  @Get(':patientId')
  @Access('admin', 'device')
  @ApiOperation({ operationId: 'getPatientChart', summary: 'Read a patient\'s chart from central\'s copy of the clinic\'s charts' })
  @ApiOkResponse({ type: PatientChartResponse, description: 'the chart' })
  @ApiNotFoundResponse({ description: 'no such clinic, or no such patient in it' })
  @ApiTooManyRequestsResponse({ description: 'too many requests wait for this clinic\'s copy: retry later' })
  open(@Param('clinicId', ParseUUIDPipe) clinicId: string, @Param('patientId', ParseUUIDPipe) patientId: string): Promise<PatientChartResponse> {
    return this.charts.openChart(clinicId, patientId);
  }
}
