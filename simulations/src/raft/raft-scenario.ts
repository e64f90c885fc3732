// The `raft` scenario: one clinic's Raft cluster under a named fault profile, judged by the invariant
// checkers. This adapts runRaftSimulation to the scenario interface the CLI knows.
import { seedOutcome, toJson, type JsonValue, type Scenario, type ScenarioRunOptions, type SeedOutcome } from '../scenario.js';
import { faultProfiles, findFaultProfile, type FaultProfile } from './fault-profiles.js';
import { defaultRunSettings } from './settings.js';
import { runRaftSimulation } from './simulation.js';

export const raftScenario = {
  name: 'raft',
  summary: 'one clinic: N tablets run the Raft core over a faulty network, with crashes, frozen tabs, partitions and churn',
  faultProfileNames: faultProfiles.map((profile) => profile.name),

  settings(nodes: number, faults: string): JsonValue {
    return toJson({ nodes, faultProfile: profileNamed(faults), ...defaultRunSettings });
  },

  runSeed(options: ScenarioRunOptions): SeedOutcome {
    const result = runRaftSimulation({
      seed: options.seed, nodeCount: options.nodes, profile: profileNamed(options.faults), trace: options.trace,
    });
    return seedOutcome(result);
  },
} satisfies Scenario;

function profileNamed(name: string): FaultProfile {
  const profile = findFaultProfile(name);
  if (profile === undefined) throw new Error(`unknown fault profile '${name}'`);
  return profile;
}
