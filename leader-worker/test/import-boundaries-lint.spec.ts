// The chart domain's one public entry is enforced by ESLint (eslint.config.js); this proves the rule bites
// wherever the chart is consumed, and lets the chart's own files and specs reach its parts.
import { ESLint } from 'eslint';

async function restrictedImports(code: string, filePath: string): Promise<string[]> {
  const [result] = await new ESLint().lintText(code, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('the chart domain\'s import boundary', () => {
  const consumers: [string, string][] = [
    ['central-api/src/charts/probe.ts', '../../../leader-worker/src/chart'],
    ['simulations/src/clinic-day/probe.ts', '../../../leader-worker/src/chart'],
    ['leader-worker/src/node/probe.ts', '../chart'],
    ['leader-worker/src/raft/probe.ts', '../chart'],
    ['leader-worker/test/node/probe.ts', '../../src/chart'],
  ];

  for (const [filePath, chartFolder] of consumers) {
    it(`forbids ${filePath} to reach past the public entry`, async () => {
      const messages = await restrictedImports(`import { ChartStateMachine } from '${chartFolder}/chart-state-machine.js';\nexport const machine = ChartStateMachine;\n`, filePath);
      expect(messages).toEqual([jasmine.stringMatching(/public entry, chart\/index\.js/)]);
    });

    it(`lets ${filePath} import the public entry`, async () => {
      const messages = await restrictedImports(`import { ChartStateMachine } from '${chartFolder}/index.js';\nexport const machine = ChartStateMachine;\n`, filePath);
      expect(messages).toEqual([]);
    });
  }

  it('lets the chart\'s own files and specs import its parts', async () => {
    expect(await restrictedImports(`import { ChartStateMachine } from './chart-state-machine.js';\nexport const machine = ChartStateMachine;\n`, 'leader-worker/src/chart/probe.ts')).toEqual([]);
    expect(await restrictedImports(`import { foldText } from '../../src/chart/text-folding.js';\nexport const fold = foldText;\n`, 'leader-worker/test/chart/probe.ts')).toEqual([]);
  });

  it('leaves the chart\'s spec helpers importable by other specs', async () => {
    expect(await restrictedImports(`import { uuid } from '../chart/chart-harness.js';\nexport const id = uuid;\n`, 'leader-worker/test/node/probe.ts')).toEqual([]);
  });
});
