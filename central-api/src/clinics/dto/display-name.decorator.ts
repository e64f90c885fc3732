// The rules for a name a person types and others read (a clinic's, a device's): a string with something in
// it, no control characters (PostgreSQL cannot store U+0000 in text: it would be a 500, not a 400), bounded.
import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, MaxLength } from 'class-validator';

// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const controlCharacters = /^[^\u0000-\u001f\u007f]*$/;

export function IsDisplayName(charactersMax: number): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(/\S/, { message: '$property must not be blank' }),
    Matches(controlCharacters, { message: '$property must not contain control characters' }),
    MaxLength(charactersMax),
  );
}
