// Routes for central staff monitoring the network (admin only).
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { FencingConflictsResponse } from './dto/fencing-conflicts.response.js';
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
}
