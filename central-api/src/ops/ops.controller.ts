// Routes for central staff monitoring the network (admin only).
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { DivergenceResponse, DivergencesResponse } from './dto/divergences.response.js';
import { FencingConflictResponse, FencingConflictsResponse } from './dto/fencing-conflicts.response.js';
import { ListDivergencesQuery } from './dto/list-divergences.query.js';
import { ResolveRequest } from './dto/resolve.request.js';
import { RowIdPipe } from './row-id.pipe.js';
import { ListFencingConflictsQuery } from './dto/list-fencing-conflicts.query.js';
import { OpsClinicsResponse } from './dto/ops-clinic.response.js';
import { OpsService } from './ops.service.js';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('ops')
export class OpsController {
  constructor(private readonly ops: OpsService) {}

  @Get('clinics')
  @Access('admin')
  @ApiOkResponse({ type: OpsClinicsResponse })
  clinics(): Promise<OpsClinicsResponse> {
    return this.ops.listClinics();
  }

  @Get('fencing-conflicts')
  @Access('admin')
  @ApiOkResponse({ type: FencingConflictsResponse })
  fencingConflicts(@Query() query: ListFencingConflictsQuery): Promise<FencingConflictsResponse> {
    return this.ops.listFencingConflicts(query);
  }

  @Post('fencing-conflicts/:conflictId/resolve')
  @HttpCode(200)
  @Access('admin')
  @ApiOkResponse({ type: FencingConflictResponse })
  @ApiNotFoundResponse({ description: 'no such conflict' })
  @ApiConflictResponse({ description: 'resolved already: the first resolution stays' })
  resolveFencingConflict(@Param('conflictId', RowIdPipe) conflictId: string, @Body() request: ResolveRequest): Promise<FencingConflictResponse> {
    return this.ops.resolveFencingConflict(conflictId, request);
  }

  @Get('divergences')
  @Access('admin')
  @ApiOkResponse({ type: DivergencesResponse })
  divergences(@Query() query: ListDivergencesQuery): Promise<DivergencesResponse> {
    return this.ops.listDivergences(query);
  }

  @Post('divergences/:divergenceId/resolve')
  @HttpCode(200)
  @Access('admin')
  @ApiOkResponse({ type: DivergenceResponse })
  @ApiNotFoundResponse({ description: 'no such divergence' })
  @ApiConflictResponse({ description: 'resolved already: the first resolution stays (a divergence that comes back is open again)' })
  resolveDivergence(@Param('divergenceId', RowIdPipe) divergenceId: string, @Body() request: ResolveRequest): Promise<DivergenceResponse> {
    return this.ops.resolveDivergence(divergenceId, request);
  }
}
