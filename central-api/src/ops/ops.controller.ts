// Routes for central staff monitoring the network (admin only).
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { AlreadyResolvedResponse } from './dto/already-resolved.response.js';
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
  @ApiOperation({ operationId: 'listOpsClinics', summary: 'Every clinic\'s leader, upload lag, chart copy, conflicts, leases and devices' })
  @ApiOkResponse({ type: OpsClinicsResponse, description: 'the clinics' })
  clinics(): Promise<OpsClinicsResponse> {
    return this.ops.listClinics();
  }

  @Get('fencing-conflicts')
  @Access('admin')
  @ApiOperation({ operationId: 'listFencingConflicts', summary: 'Writes made under a stale lease epoch, newest first' })
  @ApiOkResponse({ type: FencingConflictsResponse, description: 'the conflicts' })
  fencingConflicts(@Query() query: ListFencingConflictsQuery): Promise<FencingConflictsResponse> {
    return this.ops.listFencingConflicts(query);
  }

  @Post('fencing-conflicts/:conflictId/resolve')
  @HttpCode(200)
  @Access('admin')
  @ApiOperation({ operationId: 'resolveFencingConflict', summary: 'Resolve a fencing conflict with a note' })
  @ApiOkResponse({ type: FencingConflictResponse, description: 'resolved' })
  @ApiNotFoundResponse({ description: 'no such conflict' })
  @ApiConflictResponse({ type: AlreadyResolvedResponse, description: 'resolved already: the first resolution stays' })
  resolveFencingConflict(@Param('conflictId', RowIdPipe) conflictId: string, @Body() request: ResolveRequest): Promise<FencingConflictResponse> {
    return this.ops.resolveFencingConflict(conflictId, request);
  }

  @Get('divergences')
  @Access('admin')
  @ApiOperation({ operationId: 'listDivergences', summary: 'Uploaded entries that differed from the stored ones, newest first' })
  @ApiOkResponse({ type: DivergencesResponse, description: 'the divergences' })
  divergences(@Query() query: ListDivergencesQuery): Promise<DivergencesResponse> {
    return this.ops.listDivergences(query);
  }

  @Post('divergences/:divergenceId/resolve')
  @HttpCode(200)
  @Access('admin')
  @ApiOperation({ operationId: 'resolveDivergence', summary: 'Resolve a divergence with a note' })
  @ApiOkResponse({ type: DivergenceResponse, description: 'resolved' })
  @ApiNotFoundResponse({ description: 'no such divergence' })
  @ApiConflictResponse({ type: AlreadyResolvedResponse, description: 'resolved already: the first resolution stays (a divergence that comes back is open again)' })
  resolveDivergence(@Param('divergenceId', RowIdPipe) divergenceId: string, @Body() request: ResolveRequest): Promise<DivergenceResponse> {
    return this.ops.resolveDivergence(divergenceId, request);
  }
}
