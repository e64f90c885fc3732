// The purity of the Raft core and the chart state machine is enforced by ESLint; this proves the rule bites,
// so a careless edit of eslint.config.js cannot silently switch it off.
import { lintProbe } from './lint-probe.js';

const impureSnippets: Record<string, string> = {
  clock: 'export const now = Date.now();',
  randomness: 'export const roll = Math.random();',
  timer: 'setTimeout(() => undefined, 1);',
  storage: 'export const database = indexedDB.open("log");',
  network: 'export const response = fetch("/api");',
  messaging: 'postMessage("hello");',
  highResolutionClock: 'export const t = performance.now();',
  ioModule: 'import { readFileSync } from "node:fs";\nexport const read = readFileSync;',
};

async function ruleIdsFor(code: string, filePath: string): Promise<string[]> {
  return (await lintProbe(code, filePath)).map((message) => message.ruleId ?? 'fatal');
}

describe('purity lint', () => {
  for (const folder of ['leader-worker/src/raft', 'leader-worker/src/chart', 'leader-worker/src/invariants']) {
    for (const [what, code] of Object.entries(impureSnippets)) {
      it(`forbids ${what} in ${folder}`, async () => {
        const ruleIds = await ruleIdsFor(code, `${folder}/probe.ts`);
        expect(ruleIds.some((id) => id.startsWith('no-restricted-'))).withContext(ruleIds.join(', ')).toBeTrue();
      });
    }
  }

  it('allows the same code outside the pure folders', async () => {
    const ruleIds = await ruleIdsFor(impureSnippets.clock!, 'simulations/src/probe.ts');
    expect(ruleIds.filter((id) => id.startsWith('no-restricted-'))).toEqual([]);
  });
});
