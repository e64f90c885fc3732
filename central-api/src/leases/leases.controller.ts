// Routes for chart lockout leases.
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { AcquireLeaseRequest } from './dto/acquire-lease.request.js';
import { LeaseGrantResponse, LeaseHeldResponse, LeaseListResponse, LeaseRenewRefusedResponse } from './dto/lease.responses.js';
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
  @ApiOperation({ operationId: 'acquireLease', summary: 'Acquire the lease on a patient\'s chart, or extend the one the clinic holds' })
  @ApiCreatedResponse({ type: LeaseGrantResponse, description: 'a new grant, with a new epoch' })
  @ApiOkResponse({ type: LeaseGrantResponse, description: 'the clinic already held the chart: its lease, extended' })
  @ApiNotFoundResponse({ description: 'no such clinic' })
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
  @ApiOperation({ operationId: 'renewLease', summary: 'Renew a lease while it is its chart\'s current one, even if it expired' })
  @ApiOkResponse({ type: LeaseGrantResponse, description: 'renewed' })
  @ApiNotFoundResponse({ description: 'no such lease' })
  @ApiConflictResponse({ type: LeaseRenewRefusedResponse, description: 'released, or superseded by a later grant (with heldBy and expiresAt when that one is held)' })
  renew(@CurrentPrincipal() principal: Principal, @Param('leaseId', ParseUUIDPipe) leaseId: string): Promise<LeaseGrantResponse> {
    return this.leases.renew(principal, leaseId);
  }

  @Delete('leases/:leaseId')
  @Access('admin', 'device')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'releaseLease', summary: 'Release a lease' })
  @ApiNoContentResponse({ description: 'released (again: still 204)' })
  @ApiNotFoundResponse({ description: 'no such lease' })
  release(@CurrentPrincipal() principal: Principal, @Param('leaseId', ParseUUIDPipe) leaseId: string): Promise<void> {
    return this.leases.release(principal, leaseId);
  }

  @Get('leases')
  @ApiOperation({ operationId: 'listLeases', summary: 'List chart leases, newest first (admin)' })
  @ApiOkResponse({ type: LeaseListResponse, description: 'the leases' })
  list(@Query() query: ListLeasesQuery): Promise<LeaseListResponse> {
    return this.leases.list(query);
  }
}
