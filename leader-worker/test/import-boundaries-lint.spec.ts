// The import boundaries of eslint.config.js: the chart domain's one public entry, and which way the parts of the
// repository depend on each other. This proves each rule bites where it should and stays quiet elsewhere.
import { lintProbe } from './lint-probe.js';

async function restrictedImports(code: string, filePath: string): Promise<string[]> {
  return (await lintProbe(code, filePath)).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
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

describe('the dependency direction between the parts', () => {
  const forbidden: [string, string, RegExp][] = [
    ['leader-worker/src/raft/probe.ts', '../node/clinic-node.js', /pure core must not depend/],
    ['leader-worker/src/chart/probe.ts', '../storage/raft-storage.js', /pure core must not depend/],
    ['leader-worker/src/node/probe.ts', '../../../central-api/src/sync/log-batch.js', /runs on devices/],
    ['leader-worker/src/worker/probe.ts', '../../../simulations/src/engine/event-queue.js', /runs on devices/],
    ['leader-worker/src/storage/probe.ts', '../../test/node/clinic-harness.js', /runs on devices/],
    ['central-api/src/sync/probe.ts', '../../../simulations/src/engine/event-queue.js', /must not import the simulator/],
    ['central-api/bench/probe.ts', '../../simulations/src/engine/event-queue.js', /must not import the simulator/],
  ];
  for (const [filePath, imported, reason] of forbidden) {
    it(`forbids ${filePath} to import ${imported}`, async () => {
      const messages = await restrictedImports(`import * as imported from '${imported}';\nexport const used = imported;\n`, filePath);
      expect(messages).toEqual([jasmine.stringMatching(reason)]);
    });
  }

  const allowed: [string, string][] = [
    ['leader-worker/src/node/probe.ts', '../raft/raft.js'],
    ['simulations/src/clinic-day/probe.ts', '../../../central-api/src/sync/log-batch.js'],
    ['simulations/src/bench/probe.ts', '../../../leader-worker/src/node/clinic-node.js'],
    ['central-api/src/sync/probe.ts', '../../../leader-worker/src/raft/types.js'],
  ];
  for (const [filePath, imported] of allowed) {
    it(`lets ${filePath} import ${imported}`, async () => {
      expect(await restrictedImports(`import * as imported from '${imported}';\nexport const used = imported;\n`, filePath)).toEqual([]);
    });
  }
});
