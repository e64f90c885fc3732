// POST /api/clinics/:clinicId/devices/:deviceId/revocation: an admin revokes a lost or stolen device.
import { Body, Controller, HttpStatus, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from '../auth/access.decorator.js';
import { DeviceRevocationResponse } from './dto/device-revocation.response.js';
import { RevokeDeviceRequest } from './dto/revoke-device.request.js';
import { DeviceRevocationService } from './device-revocation.service.js';

@ApiTags('enrollment')
@ApiBearerAuth()
@Controller('clinics/:clinicId/devices/:deviceId/revocation')
export class DeviceRevocationController {
  constructor(private readonly revocations: DeviceRevocationService) {}

  /** 201: revoked now. 200: it was revoked before; the revocation on record (sending it again completes one cut short). */
  @Post()
  @Access('admin')
  @ApiOperation({ operationId: 'revokeDevice', summary: 'Revoke a device: its credential stops working and its clinic refuses its links' })
  @ApiCreatedResponse({ type: DeviceRevocationResponse, description: 'revoked' })
  @ApiOkResponse({ type: DeviceRevocationResponse, description: 'revoked before: the revocation on record' })
  @ApiNotFoundResponse({ description: 'no such device in this clinic' })
  async revoke(
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Param('deviceId', ParseUUIDPipe) deviceId: string,
    @Body() request: RevokeDeviceRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DeviceRevocationResponse> {
    const { created, revocation } = await this.revocations.revoke(clinicId, deviceId, request);
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return revocation;
  }
}
