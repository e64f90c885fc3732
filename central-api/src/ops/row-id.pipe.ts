// Path ids of ops rows (bigint identities): digits only, within what PostgreSQL's bigint holds, so a bad id is
// a 400 that says so, never a database error.
import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

const rowIdPattern = /^[1-9][0-9]{0,17}$/;

@Injectable()
export class RowIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!rowIdPattern.test(value)) throw new BadRequestException(`${JSON.stringify(value.slice(0, 40))} is not a row id (a positive whole number)`);
    return value;
  }
}
