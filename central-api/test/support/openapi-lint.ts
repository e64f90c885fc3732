// Runs Redocly's linter (its CLI, a devDependency that runs offline) on an OpenAPI document, with the
// project's configuration (central-api/redocly.yaml), and returns the problems it reports.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface LintProblem {
  readonly ruleId: string;
  readonly severity: 'error' | 'warn';
  readonly message: string;
  readonly pointer: string;
}

interface LintReport {
  readonly problems: readonly { ruleId: string; severity: 'error' | 'warn'; message: string; location: readonly { pointer: string }[] }[];
}

/** This file runs from dist/central-api/test/support/; the configuration is in the sources. */
export const redoclyConfigPath = fileURLToPath(new URL('../../../../central-api/redocly.yaml', import.meta.url));
const cliPath = path.join(path.dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');

export const openApiLintLimits = {
  /** Every problem, not the CLI's default first 100. */
  problemsMax: 10_000,
  /** The linter takes about a second; a loaded machine gets more. */
  timeoutMs: 60_000,
  /** Its JSON report: a few kilobytes per problem. */
  reportBytesMax: 64 * 1024 * 1024,
};

const run = promisify(execFile);

export async function lintOpenApi(document: unknown): Promise<LintProblem[]> {
  const folder = await mkdtemp(path.join(tmpdir(), 'clinic-mesh-openapi-'));
  const file = path.join(folder, 'openapi.json');
  try {
    await writeFile(file, JSON.stringify(document));
    const args = [cliPath, 'lint', '--format=json', `--max-problems=${openApiLintLimits.problemsMax}`, `--config=${redoclyConfigPath}`, file];
    // No telemetry and no update check: the linter must not need the network.
    const environment = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
    // It exits with 1 when it found errors: the report on stdout says what they are either way.
    const { stdout } = await run(process.execPath, args, { env: environment, timeout: openApiLintLimits.timeoutMs, maxBuffer: openApiLintLimits.reportBytesMax }).catch(
      (error: { stdout?: string; code?: unknown }) => {
        if (typeof error.stdout === 'string' && error.stdout.trim().startsWith('{')) return { stdout: error.stdout };
        throw error;
      },
    );
    const report = JSON.parse(stdout) as LintReport;
    return report.problems.map(({ ruleId, severity, message, location }) => ({ ruleId, severity, message, pointer: location[0]?.pointer ?? '' }));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
