// What GET /api/signaling/peer-credentials answers: how this device registers with PeerServer.
import { ApiProperty } from '@nestjs/swagger';
import type { PeerCredentials } from '../../../../leader-worker/src/device-identity/enrollment-protocol.js';

export class PeerCredentialsResponse implements PeerCredentials {
  @ApiProperty({ description: "this device's fixed PeerJS id: `${clinicId}_${deviceId}`" })
  peerId!: string;

  @ApiProperty({ description: "pass as PeerJS's `token` option; the same every time, so the device may keep it" })
  token!: string;

  @ApiProperty({ example: '/peerjs', description: "PeerServer's mount path on this host (PeerJS's `path` option)" })
  path!: string;

  @ApiProperty({ example: 'peerjs', description: "PeerJS's `key` option" })
  key!: string;
}
