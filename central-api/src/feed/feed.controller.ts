// Routes of the downstream feed: clinics read it (and long-poll it); admins (central systems) append to it.
import { Body, Controller, Get, HttpStatus, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ type: FeedPageResponse })
  page(@Param('clinicId', ParseUUIDPipe) clinicId: string, @Query() query: FeedPageQuery, @ClientGone() clientGone: AbortSignal): Promise<FeedPageResponse> {
    return this.feed.page(clinicId, query, clientGone);
  }

  /** 201: appended. 200: this labResultId was sent before with the same content; its item. */
  @Post('lab-results')
  @ApiCreatedResponse({ type: FeedItemResponse })
  async appendLabResult(
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Body() request: LabResultRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<FeedItemResponse> {
    return answer(await this.feed.appendLabResult(clinicId, request), response);
  }

  /** 201: appended. 200: this patientId was sent before with the same content; its item. */
  @Post('registrations')
  @ApiCreatedResponse({ type: FeedItemResponse })
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
