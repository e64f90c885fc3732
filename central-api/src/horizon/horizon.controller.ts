// Routes for a clinic's sync horizon: an admin sets it; the admin and the clinic's devices read it with the
// download's progress.
import { Body, Controller, Get, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { HorizonResponse } from './dto/horizon.responses.js';
import { HorizonRequest } from './dto/horizon.request.js';
import { HorizonService } from './horizon.service.js';

@ApiTags('horizon')
@ApiBearerAuth()
@Controller('clinics/:clinicId/horizon')
export class HorizonController {
  constructor(private readonly horizons: HorizonService) {}

  @Get()
  @Access('admin', 'device')
  @ApiOperation({ operationId: 'getHorizon', summary: "Read a clinic's sync horizon and how far its download has come" })
  @ApiOkResponse({ type: HorizonResponse, description: 'the horizon (the default one if never set)' })
  @ApiNotFoundResponse({ description: 'no such clinic' })
  get(@Param('clinicId', ParseUUIDPipe) clinicId: string): Promise<HorizonResponse> {
    return this.horizons.get(clinicId);
  }

  @Put()
  @Access('admin')
  @ApiOperation({
    operationId: 'setHorizon',
    summary: "Set a clinic's sync horizon; the patients it brings are queued into the clinic's feed in the background",
  })
  @ApiOkResponse({ type: HorizonResponse, description: 'the new revision, its download started' })
  @ApiBadRequestResponse({ description: 'a field out of bounds, or a source clinic that does not exist or is this one' })
  @ApiNotFoundResponse({ description: 'no such clinic' })
  set(@Param('clinicId', ParseUUIDPipe) clinicId: string, @Body() request: HorizonRequest): Promise<HorizonResponse> {
    return this.horizons.set(clinicId, request);
  }
}
