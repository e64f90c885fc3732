// Lints a snippet as if it stood at `filePath`, with the repository's own eslint.config.js, to show a rule
// bites (or stays quiet) there. The probe file does not exist, so no TypeScript project holds it: the
// type-aware rules, which need one, are left out; every other rule applies as configured.
import { ESLint } from 'eslint';

const withoutTypeInformation = {
  languageOptions: { parserOptions: { projectService: false } },
  rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
} as const;

export async function lintProbe(code: string, filePath: string): Promise<ESLint.LintResult['messages']> {
  const [result] = await new ESLint({ overrideConfig: withoutTypeInformation }).lintText(code, { filePath });
  return result?.messages ?? [];
}
