// What GET /api/me answers: who the credential belongs to.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Principal } from '../principal.js';

export class PrincipalResponse {
  @ApiProperty({ enum: ['admin', 'device'] })
  kind!: Principal['kind'];

  @ApiPropertyOptional({ format: 'uuid', description: 'for a device' })
  deviceId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'for a device: the one clinic it may reach' })
  clinicId?: string;
}

export function toPrincipalResponse(principal: Principal): PrincipalResponse {
  return principal.kind === 'admin' ? { kind: 'admin' } : { kind: 'device', deviceId: principal.deviceId, clinicId: principal.clinicId };
}
