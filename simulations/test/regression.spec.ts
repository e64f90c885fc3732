// Replays every seed that ever failed (regression-seeds.ts): each must now pass.
import { findScenario } from '../src/scenario-registry.js';
import { regressionSeeds } from './regression-seeds.js';

describe('regression seeds', () => {
  for (const entry of regressionSeeds) {
    it(`${entry.scenario} seed ${entry.seed}, ${entry.nodes} nodes, ${entry.faults} faults (${entry.note.slice(0, 60)})`, () => {
      const scenario = findScenario(entry.scenario);
      expect(scenario).toBeDefined();
      const outcome = scenario!.runSeed({ seed: entry.seed, nodes: entry.nodes, faults: entry.faults, trace: false });
      expect(outcome.violation).withContext(entry.note).toBeNull();
    });
  }
});
