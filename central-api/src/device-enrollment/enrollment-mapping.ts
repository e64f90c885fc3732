// What an enrollment answers, field by field: a new column never leaks into the API by accident.
import type { DeviceEntity } from '../clinics/device.entity.js';
import type { PeerCredentialsResponse } from '../signaling/dto/peer-credentials.response.js';
import type { DeviceEnrolledResponse } from './dto/enrollment.responses.js';

export interface DeviceEnrolledParts {
  readonly device: DeviceEntity;
  readonly credential: string;
  readonly certificate: Uint8Array;
  /** The clinic's signing key, SPKI. */
  readonly trustAnchor: Uint8Array;
  readonly peer: PeerCredentialsResponse;
}

export function toDeviceEnrolled(parts: DeviceEnrolledParts): DeviceEnrolledResponse {
  return {
    clinicId: parts.device.clinicId,
    deviceId: parts.device.id,
    name: parts.device.name,
    credential: parts.credential,
    certificate: Buffer.from(parts.certificate).toString('base64url'),
    trustAnchor: Buffer.from(parts.trustAnchor).toString('base64url'),
    peer: { peerId: parts.peer.peerId, token: parts.peer.token, path: parts.peer.path, key: parts.peer.key },
  };
}
