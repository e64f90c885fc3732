// POST /api/clinics/:clinicId/enrollment-codes: an admin makes the one-time code a named device enrolls with.
import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { CreateEnrollmentCodeRequest } from './dto/create-enrollment-code.request.js';
import { EnrollmentCodeIssuedResponse } from './dto/enrollment.responses.js';
import { EnrollmentCodesService } from './enrollment-codes.service.js';

@ApiTags('enrollment')
@ApiBearerAuth()
@Controller('clinics/:clinicId/enrollment-codes')
export class EnrollmentCodesController {
  constructor(private readonly codes: EnrollmentCodesService) {}

  @Post()
  @Access('admin')
  @ApiOperation({ operationId: 'createEnrollmentCode', summary: 'Make the one-time code a named device enrolls with; it is shown this once and lasts 7 days' })
  @ApiCreatedResponse({ type: EnrollmentCodeIssuedResponse, description: 'the code' })
  @ApiNotFoundResponse({ description: 'no such clinic' })
  create(@Param('clinicId', ParseUUIDPipe) clinicId: string, @Body() request: CreateEnrollmentCodeRequest): Promise<EnrollmentCodeIssuedResponse> {
    return this.codes.issue(clinicId, request);
  }
}
