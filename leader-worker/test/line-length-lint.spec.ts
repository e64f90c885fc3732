// The line-length rule of eslint.config.js bites on code, and leaves long strings and templates (messages,
// SQL) whole.
import { lintProbe } from './lint-probe.js';

async function lineLengthErrors(code: string): Promise<number> {
  return (await lintProbe(code, 'central-api/src/probe.ts')).filter((message) => message.ruleId === 'max-len').length;
}

describe('the line-length lint', () => {
  it('refuses a line of code past 180 characters', async () => {
    const names = Array.from({ length: 30 }, (_, position) => `value${position}`);
    expect(await lineLengthErrors(`export const sum = [${names.map((_, position) => position).join(', ')}].map((value) => value * 2 + value * 3 + value * 4 + value * 5 + value * 6 + value * 7).length;\n`))
      .toBe(1);
  });

  it('leaves a long message whole', async () => {
    expect(await lineLengthErrors(`export const message = '${'a clinician reads this whole sentence '.repeat(6)}';\n`)).toBe(0);
  });
});
