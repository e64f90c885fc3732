// TigerBeetle's rule: a seed is a complete description of a run. The same seed replays to the same bytes
// (trace and JSON report); another seed takes another path.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { summaryJson } from '../src/report.js';
import { runSeeds } from '../src/run-seeds.js';
import { raftScenario } from '../src/raft/raft-scenario.js';

function traceOf(seed: number, faults: string): string {
  return raftScenario.runSeed({ seed, nodes: 5, faults, trace: true }).trace;
}

async function jsonOf(seeds: readonly number[], faults: string): Promise<string> {
  const lines: string[] = [];
  const summary = await runSeeds({ scenario: 'raft', nodes: 5, faults, seeds, verbose: false, trace: false }, (line) => lines.push(line));
  return `${lines.join('\n')}\n${JSON.stringify(summaryJson(summary, raftScenario.settings(5, faults)))}`;
}

describe('determinism', () => {
  it('replays one heavy seed to a byte-identical trace', () => {
    const first = traceOf(7, 'heavy');
    const second = traceOf(7, 'heavy');
    expect(first.length).toBeGreaterThan(100_000);
    expect(second === first).withContext('the two traces of seed 7 differ').toBeTrue();
  });

  it('replays seeds to byte-identical output and JSON', async () => {
    expect(await jsonOf([3, 4], 'heavy')).toBe(await jsonOf([3, 4], 'heavy'));
  });

  it('takes a different path for a different seed', () => {
    expect(traceOf(8, 'light') === traceOf(9, 'light')).toBeFalse();
  });

  it('prints the JSON summary as the last stdout line of the CLI', async () => {
    const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url));
    const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve) => {
      execFile(process.execPath, [cli, '--scenario', 'raft', '--seeds', '1,2', '--nodes', '3', '--faults', 'none', '--json'], (error, out) => {
        resolve({ stdout: out, code: error === null ? 0 : (error.code as number | null) });
      });
    });
    const lines = stdout.trimEnd().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    expect(code).toBe(0);
    expect(lines.filter((line) => line.startsWith('seed ')).length).toBe(2);
    expect(summary).toEqual(jasmine.objectContaining({ scenario: 'raft', seeds: 2, failedSeeds: [], violations: 0 }));
    for (const key of ['failoverTicksP50', 'failoverTicksP99', 'committedEntries', 'acknowledged', 'wallClock', 'settings']) expect(Object.keys(summary)).toContain(key);
    expect(summary.committedEntries as number).toBeGreaterThan(0);
  });
});
