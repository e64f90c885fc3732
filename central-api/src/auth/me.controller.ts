// GET /api/me: lets a newly enrolled device (or an admin) check its credential and learn its clinic.
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from './access.decorator.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import { PrincipalResponse, toPrincipalResponse } from './dto/principal.response.js';
import type { Principal } from './principal.js';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  @Get()
  @Access('admin', 'device')
  @ApiOperation({ operationId: 'getMe', summary: 'Who the credential belongs to: a device of a clinic, or an admin' })
  @ApiOkResponse({ type: PrincipalResponse, description: 'the credential\'s owner' })
  me(@CurrentPrincipal() principal: Principal): PrincipalResponse {
    return toPrincipalResponse(principal);
  }
}
