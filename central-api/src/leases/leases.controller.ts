// Routes for chart lockout leases.
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { AcquireLeaseRequest } from './dto/acquire-lease.request.js';
import { LeaseGrantResponse, LeaseHeldResponse, LeaseListResponse } from './dto/lease.responses.js';
import { ListLeasesQuery } from './dto/list-leases.query.js';
import { LeasesService } from './leases.service.js';

@ApiTags('leases')
@ApiBearerAuth()
@Controller()
export class LeasesController {
  constructor(private readonly leases: LeasesService) {}

  /** 201: a new grant (new epoch). 200: the clinic already held the chart; the same lease, extended. */
  @Post('clinics/:clinicId/leases')
  @Access('admin', 'device')
  @ApiCreatedResponse({ type: LeaseGrantResponse, description: 'a new grant, with a new epoch' })
  @ApiOkResponse({ type: LeaseGrantResponse, description: 'the clinic already held the chart: its lease, extended' })
  @ApiConflictResponse({ type: LeaseHeldResponse, description: 'another clinic holds the chart' })
  async acquire(
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Body() request: AcquireLeaseRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LeaseGrantResponse> {
    const { created, grant } = await this.leases.acquire(clinicId, request.patientId);
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return grant;
  }

  @Post('leases/:leaseId/renew')
  @Access('admin', 'device')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: LeaseGrantResponse })
  @ApiConflictResponse({ description: 'released, or superseded by a later grant (with heldBy and expiresAt when that one is held)' })
  renew(@CurrentPrincipal() principal: Principal, @Param('leaseId', ParseUUIDPipe) leaseId: string): Promise<LeaseGrantResponse> {
    return this.leases.renew(principal, leaseId);
  }

  @Delete('leases/:leaseId')
  @Access('admin', 'device')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'released (again: still 204)' })
  release(@CurrentPrincipal() principal: Principal, @Param('leaseId', ParseUUIDPipe) leaseId: string): Promise<void> {
    return this.leases.release(principal, leaseId);
  }

  @Get('leases')
  @ApiOkResponse({ type: LeaseListResponse })
  list(@Query() query: ListLeasesQuery): Promise<LeaseListResponse> {
    return this.leases.list(query);
  }
}
