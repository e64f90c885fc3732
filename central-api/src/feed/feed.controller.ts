// Routes of the downstream feed: clinics read it (and long-poll it); admins (central systems) append to it.
import { Body, Controller, Get, HttpStatus, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from '../auth/access.decorator.js';
import { ClientGone } from './client-gone.decorator.js';
import { FeedItemResponse, FeedPageResponse } from './dto/feed.responses.js';
import { FeedPageQuery } from './dto/feed-page.query.js';
import { LabResultRequest } from './dto/lab-result.request.js';
import { RegistrationRequest } from './dto/registration.request.js';
import { type AppendedItem, FeedService } from './feed.service.js';

@ApiTags('feed')
@ApiBearerAuth()
@Controller('clinics/:clinicId/feed')
export class FeedController {
  constructor(private readonly feed: FeedService) {}

  @Get()
  @Access('admin', 'device')
  @ApiOperation({ operationId: 'readFeed', summary: 'Read the clinic\'s feed after a cursor; with waitMs, wait for the next item' })
  @ApiOkResponse({ type: FeedPageResponse, description: 'the items after the cursor (none when a wait ended without one)' })
  @ApiNotFoundResponse({ description: 'no such clinic' })
  @ApiServiceUnavailableResponse({ description: 'too many long-polls wait at once: poll again shortly' })
  page(@Param('clinicId', ParseUUIDPipe) clinicId: string, @Query() query: FeedPageQuery, @ClientGone() clientGone: AbortSignal): Promise<FeedPageResponse> {
    return this.feed.page(clinicId, query, clientGone);
  }

  /** 201: appended. 200: this labResultId was sent before with the same content; its item. */
  @Post('lab-results')
  @ApiOperation({ operationId: 'appendLabResult', summary: 'Send a lab result to the clinic\'s feed (admin); sending it again changes nothing' })
  @ApiCreatedResponse({ type: FeedItemResponse, description: 'appended' })
  @ApiOkResponse({ type: FeedItemResponse, description: 'sent before with the same content: its item' })
  @ApiNotFoundResponse({ description: 'no such clinic' })
  @ApiConflictResponse({ description: 'this labResultId was sent before with other content' })
  async appendLabResult(
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Body() request: LabResultRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<FeedItemResponse> {
    return answer(await this.feed.appendLabResult(clinicId, request), response);
  }

  /** 201: appended. 200: this patientId was sent before with the same content; its item. */
  @Post('registrations')
  @ApiOperation({ operationId: 'appendRegistration', summary: 'Send a patient registered at central to the clinic\'s feed (admin); sending it again changes nothing' })
  @ApiCreatedResponse({ type: FeedItemResponse, description: 'appended' })
  @ApiOkResponse({ type: FeedItemResponse, description: 'sent before with the same content: its item' })
  @ApiNotFoundResponse({ description: 'no such clinic' })
  @ApiConflictResponse({ description: 'this patientId was sent before with other content' })
  async appendRegistration(
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Body() request: RegistrationRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<FeedItemResponse> {
    return answer(await this.feed.appendRegistration(clinicId, request), response);
  }
}

function answer(appended: AppendedItem, response: Response): FeedItemResponse {
  response.status(appended.created ? HttpStatus.CREATED : HttpStatus.OK);
  return appended.item;
}
