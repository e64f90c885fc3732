// Routes for clinics and device enrollment.
import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { ClinicsService } from './clinics.service.js';
import { ClinicResponse, CreatedClinicResponse, DeviceEnrollmentResponse } from './dto/clinic.responses.js';
import { CreateClinicRequest } from './dto/create-clinic.request.js';
import { EnrollDeviceRequest } from './dto/enroll-device.request.js';

@ApiTags('clinics')
@ApiBearerAuth()
@Controller('clinics')
export class ClinicsController {
  constructor(private readonly clinics: ClinicsService) {}

  @Post()
  @Access('admin')
  @ApiOperation({ operationId: 'createClinic', summary: 'Create a clinic with its chart policy' })
  @ApiCreatedResponse({ type: CreatedClinicResponse, description: 'created' })
  create(@Body() request: CreateClinicRequest): Promise<CreatedClinicResponse> {
    return this.clinics.createClinic(request);
  }

  /** Devices may read their own clinic (its chart policy tells the leader whether to ask for leases). */
  @Get(':clinicId')
  @Access('admin', 'device')
  @ApiOperation({ operationId: 'getClinic', summary: 'Read a clinic, its chart policy and its devices' })
  @ApiOkResponse({ type: ClinicResponse, description: 'the clinic' })
  @ApiNotFoundResponse({ description: 'no such clinic' })
  get(@Param('clinicId', ParseUUIDPipe) clinicId: string): Promise<ClinicResponse> {
    return this.clinics.getClinic(clinicId);
  }

  @Post(':clinicId/devices')
  @Access('admin')
  @ApiOperation({ operationId: 'enrollDevice', summary: 'Enroll a device in a clinic; its credential is shown this once' })
  @ApiCreatedResponse({ type: DeviceEnrollmentResponse, description: 'enrolled' })
  @ApiNotFoundResponse({ description: 'no such clinic' })
  @ApiConflictResponse({ description: 'the clinic has the most devices allowed' })
  enroll(
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Body() request: EnrollDeviceRequest,
  ): Promise<DeviceEnrollmentResponse> {
    return this.clinics.enrollDevice(clinicId, request);
  }
}
