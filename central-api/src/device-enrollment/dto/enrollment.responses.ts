// What the enrollment routes answer. They implement the protocol's types, which the device reads, so the two
// sides cannot drift.
import { ApiProperty } from '@nestjs/swagger';
import type { DeviceEnrolled, EnrollmentCodeIssued } from '../../../../leader-worker/src/device-identity/enrollment-protocol.js';
import { PeerCredentialsResponse } from '../../signaling/dto/peer-credentials.response.js';

export class EnrollmentCodeIssuedResponse implements EnrollmentCodeIssued {
  @ApiProperty({ example: '7KQ4-M2XD-9RTB', description: 'shown this once (central keeps only its hash): typed on the device, or carried by an enrollment link' })
  code!: string;

  @ApiProperty({ format: 'uuid' })
  clinicId!: string;

  @ApiProperty({ description: 'the name the device will have' })
  name!: string;

  @ApiProperty({ format: 'date-time', description: 'after this the code is refused (410)' })
  expiresAt!: string;
}

export class DeviceEnrolledResponse implements DeviceEnrolled {
  @ApiProperty({ format: 'uuid' })
  clinicId!: string;

  @ApiProperty({ format: 'uuid' })
  deviceId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ description: 'The device\'s secret for central\'s API, shown this once: send it as "Authorization: Bearer <credential>"' })
  credential!: string;

  @ApiProperty({ description: "the device certificate (MessagePack, leader-worker/src/device-identity/device-certificate.ts), base64url: shown to the clinic's other devices" })
  certificate!: string;

  @ApiProperty({ description: "the clinic's signing key, SPKI, base64url: the anchor the device checks its peers' certificates against" })
  trustAnchor!: string;

  @ApiProperty({ type: PeerCredentialsResponse, description: 'how the device registers its fixed PeerJS id with PeerServer' })
  peer!: PeerCredentialsResponse;
}
