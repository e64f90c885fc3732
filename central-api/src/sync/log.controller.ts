// Routes of log ingest: how far central holds a clinic's log, and the leader's uploads of committed entries.
import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { DevicePrincipal } from '../auth/principal.js';
import { LogAckResponse } from './dto/log-ack.response.js';
import { LogConflictResponse } from './dto/log-conflict.response.js';
import { UploadLogRequest } from './dto/upload-log.request.js';
import { IngestService } from './ingest.service.js';

@ApiTags('sync')
@ApiBearerAuth()
@Controller('clinics/:clinicId/log')
export class LogController {
  constructor(private readonly ingest: IngestService) {}

  /** Ops may read it too; only the clinic's devices upload. */
  @Get('ack')
  @Access('admin', 'device')
  @ApiOperation({ operationId: 'getAcknowledgedIndex', summary: 'How far central holds the clinic\'s log' })
  @ApiOkResponse({ type: LogAckResponse, description: 'the highest contiguous index central holds' })
  @ApiNotFoundResponse({ description: 'no such clinic' })
  acknowledged(@Param('clinicId', ParseUUIDPipe) clinicId: string): Promise<LogAckResponse> {
    return this.ingest.acknowledged(clinicId);
  }

  @Post()
  @HttpCode(HttpStatus.OK)
  @Access('device')
  @ApiOperation({ operationId: 'uploadLog', summary: 'Upload a batch of the clinic\'s committed log entries, in order; a replay changes nothing' })
  @ApiOkResponse({ type: LogAckResponse, description: 'stored (or held already): the acknowledged index' })
  @ApiNotFoundResponse({ description: 'no such clinic' })
  @ApiConflictResponse({ type: LogConflictResponse, description: 'a gap (with expectedIndex) or an entry differing from the stored one (with divergentIndex; recorded for ops)' })
  @ApiPayloadTooLargeResponse({ description: 'more entries or command bytes than a batch may hold' })
  upload(
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @CurrentPrincipal() device: DevicePrincipal,
    @Body() request: UploadLogRequest,
  ): Promise<LogAckResponse> {
    return this.ingest.upload(clinicId, device.deviceId, request);
  }
}
