// PeerServer tokens: a device's token is an HMAC of its fixed peer id under a secret shared by every API
// process (stored once in PostgreSQL). PeerJS sends the token when it registers its id, so PeerServer can
// refuse an id to anyone but the device it belongs to, and a token stays valid across reconnects (PeerJS
// gives a re-registering id back only to the same token).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ForbiddenException, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import type { PeerCredentialsResponse } from './dto/peer-credentials.response.js';
import { parsePeerId, peerIdFor } from '../../../leader-worker/src/device-identity/peer-ids.js';
import { SignalingSecretRepository } from './signaling-secret.repository.js';
import { peerServerSettings } from './signaling-settings.js';

const secretBytes = 32;

@Injectable()
export class PeerTokens implements OnModuleInit {
  private secret: Promise<Buffer> | undefined;

  constructor(private readonly secrets: SignalingSecretRepository) {}

  async onModuleInit(): Promise<void> {
    await this.loadSecret();
  }

  /** A device's fixed peer id and its token; only devices have peer ids. */
  async credentialsFor(principal: Principal): Promise<PeerCredentialsResponse> {
    if (principal.kind !== 'device') throw new ForbiddenException('Only a device has a peer id');
    const peerId = peerIdFor(principal.clinicId, principal.deviceId);
    return { peerId, token: await this.tokenFor(peerId), path: peerServerSettings.path, key: peerServerSettings.key };
  }

  async tokenFor(peerId: string): Promise<string> {
    return createHmac('sha256', await this.loadSecret()).update(peerId, 'utf8').digest('base64url');
  }

  /** True when `peerId` is a device's id and `token` is the one issued for it. */
  async verify(peerId: string, token: string): Promise<boolean> {
    if (parsePeerId(peerId) === undefined) return false;
    const expected = Buffer.from(await this.tokenFor(peerId), 'utf8');
    const given = Buffer.from(token, 'utf8');
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private loadSecret(): Promise<Buffer> {
    this.secret ??= this.secrets.findOrInsert(randomBytes(secretBytes)).catch((error: unknown) => {
      this.secret = undefined; // a later call tries again
      throw error;
    });
    return this.secret;
  }
}
