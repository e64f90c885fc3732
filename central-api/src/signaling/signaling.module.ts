// Signaling for the clinics' PeerJS connections: PeerServer on the API's HTTP server, and the route that
// gives each device its fixed peer id and token.
import { Module } from '@nestjs/common';
import { PeerServerMount } from './peer-server.mount.js';
import { PeerTokens } from './peer-tokens.service.js';
import { SignalingController } from './signaling.controller.js';
import { SignalingSecretRepository } from './signaling-secret.repository.js';

@Module({
  controllers: [SignalingController],
  providers: [SignalingSecretRepository, PeerTokens, PeerServerMount],
  // Enrollment with a code hands the new device its peer credentials with the rest.
  exports: [PeerTokens],
})
export class SignalingModule {}
