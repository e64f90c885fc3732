// Fixed peer ids and the tokens that let a device register its own.
import { ForbiddenException } from '@nestjs/common';
import { parsePeerId, peerIdFor } from '../../../leader-worker/src/device-identity/peer-ids.js';
import { PeerTokens } from '../../src/signaling/peer-tokens.service.js';
import type { SignalingSecretRepository } from '../../src/signaling/signaling-secret.repository.js';

const clinicId = '4a7c2c38-7d4b-4c36-9a39-3f0b1d0f3a11';
const deviceId = '9d3f7c2e-1b1a-4f7e-8a55-0c2f8e1f6b22';

function tokensWithSecret(secret: Buffer): PeerTokens {
  const repository = { findOrInsert: async () => secret } as unknown as SignalingSecretRepository;
  return new PeerTokens(repository);
}

describe('peer ids', () => {
  it('join clinic and device with an underscore (PeerJS refuses dots), and parse back', () => {
    const peerId = peerIdFor(clinicId.toUpperCase(), deviceId);
    expect(peerId).toBe(`${clinicId}_${deviceId}`);
    expect(peerId).toMatch(/^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/); // PeerJS's own id rule
    expect(parsePeerId(peerId)).toEqual({ clinicId, deviceId });
  });

  it('are not anything else', () => {
    for (const id of ['', clinicId, `${clinicId}.${deviceId}`, `${clinicId}_${deviceId}_x`, 'b7e0c2a4-5a5e-4bd9-a0d7-0b5c4b0e1f2a']) {
      expect(parsePeerId(id)).withContext(id).toBeUndefined();
    }
  });
});

describe('PeerTokens', () => {
  const tokens = tokensWithSecret(Buffer.alloc(32, 7));

  it('issue a device its peer id and a token that verifies for that id only', async () => {
    const credentials = await tokens.credentialsFor({ kind: 'device', clinicId, deviceId });
    expect(credentials).toEqual({ peerId: `${clinicId}_${deviceId}`, token: jasmine.stringMatching(/^[A-Za-z0-9_-]{43}$/), path: '/peerjs', key: 'peerjs' });
    await expectAsync(tokens.verify(credentials.peerId, credentials.token)).toBeResolvedTo(true);
    await expectAsync(tokens.verify(peerIdFor(clinicId, clinicId), credentials.token)).toBeResolvedTo(false);
    await expectAsync(tokens.verify(credentials.peerId, `${credentials.token}x`)).toBeResolvedTo(false);
    await expectAsync(tokens.verify('random-id', credentials.token)).toBeResolvedTo(false);
  });

  it('depend on the shared secret: another secret, another token', async () => {
    const peerId = peerIdFor(clinicId, deviceId);
    expect(await tokensWithSecret(Buffer.alloc(32, 8)).tokenFor(peerId)).not.toBe(await tokens.tokenFor(peerId));
  });

  it('are for devices only', async () => {
    await expectAsync(tokens.credentialsFor({ kind: 'admin' })).toBeRejectedWithError(ForbiddenException);
  });
});
