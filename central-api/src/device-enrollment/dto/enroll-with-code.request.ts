// The body of POST /api/enrollments: the code is the credential, and the device's public key what its
// certificate will name. Their form is judged by the service (the code is normalized as typed, the key
// imported), which says what is wrong with each.
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { type EnrollDeviceBody, enrollmentLimits } from '../../../../leader-worker/src/device-identity/enrollment-protocol.js';
import { enrollmentSettings } from '../enrollment-settings.js';

export class EnrollWithCodeRequest implements EnrollDeviceBody {
  @ApiProperty({
    example: '7KQ4-M2XD-9RTB',
    maxLength: enrollmentSettings.typedCodeCharactersMax,
    description: 'the enrollment code as typed or scanned: case, spaces and dashes are ignored, and I, L read as 1, O as 0',
  })
  @IsString()
  @MaxLength(enrollmentSettings.typedCodeCharactersMax)
  code!: string;

  @ApiProperty({
    maxLength: enrollmentLimits.publicKeyCharactersMax,
    description: "the device's ECDSA P-256 public key, SPKI (WebCrypto exportKey('spki', ...)), base64url without padding",
  })
  @IsString()
  @MaxLength(enrollmentLimits.publicKeyCharactersMax)
  publicKey!: string;
}
