// The body of POST /api/ops/.../:id/resolve: what ops decided, in their words.
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { opsLimits } from '../ops-limits.js';

export class ResolveRequest {
  @ApiProperty({ maxLength: opsLimits.resolutionCharactersMax, example: 'Tablet 3 restored from its backup; the clinic re-entered the two visits.' })
  @IsString()
  @Matches(/\S/, { message: '$property must not be blank' })
  // PostgreSQL cannot store U+0000 in text (it would be a 500); line breaks are welcome in a note.
  // eslint-disable-next-line no-control-regex -- the NUL character is exactly what this refuses
  @Matches(/^[^\u0000]*$/, { message: '$property must not contain NUL characters' })
  @MaxLength(opsLimits.resolutionCharactersMax)
  resolution!: string;
}
