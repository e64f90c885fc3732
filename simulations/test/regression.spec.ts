// Replays every seed that ever failed (regression-seeds.ts): each must now pass.
import { findScenario } from '../src/scenario-registry.js';
import { regressionSeeds } from './regression-seeds.js';

/** A clinic-day seed takes seconds of real time; jasmine's default of 5 s is for unit tests. */
const timeoutMs = 120_000;

describe('regression seeds', () => {
  for (const entry of regressionSeeds) {
    it(`${entry.scenario} seed ${entry.seed}, ${entry.nodes} nodes, ${entry.faults} faults (${entry.note.slice(0, 60)})`, async () => {
      const scenario = findScenario(entry.scenario);
      expect(scenario).toBeDefined();
      const outcome = await scenario!.runSeed({ seed: entry.seed, nodes: entry.nodes, faults: entry.faults, trace: false });
      expect(outcome.violation).withContext(entry.note).toBeNull();
    }, timeoutMs);
  }
});
