// GET /api/signaling/peer-credentials: a device learns its fixed PeerJS id and the token that lets it
// register that id with PeerServer.
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { PeerCredentialsResponse } from './dto/peer-credentials.response.js';
import { PeerTokens } from './peer-tokens.service.js';

@ApiTags('signaling')
@ApiBearerAuth()
@Controller('signaling')
export class SignalingController {
  constructor(private readonly tokens: PeerTokens) {}

  @Get('peer-credentials')
  @Access('device')
  @ApiOperation({ operationId: 'getPeerCredentials', summary: 'The device\'s fixed PeerJS id and the token that registers it with PeerServer' })
  @ApiOkResponse({ type: PeerCredentialsResponse, description: 'the peer id and its token' })
  peerCredentials(@CurrentPrincipal() principal: Principal): Promise<PeerCredentialsResponse> {
    return this.tokens.credentialsFor(principal);
  }
}
