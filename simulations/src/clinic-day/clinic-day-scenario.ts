// The `clinic-session` scenario (first named clinic-day, still accepted): N devices of one clinic run the real
// ClinicNode through a clinic session of 15 minutes with its doors open, compressed (a patient every 40 s on
// average, not a working day of hours), then the closing, under a named fault profile, judged by the Raft checkers and the clinic's own (acknowledged writes, the
// outbox, convergence, handoffs). This adapts runClinicDay to the scenario interface the CLI knows.
import { seedOutcome, toJson, type JsonValue, type Scenario, type ScenarioRunOptions, type SeedOutcome } from '../scenario.js';
import { derivedClinicFigures } from './clinic-figures.js';
import { clinicFaultProfiles, findClinicFaultProfile, type ClinicFaultProfile } from './fault-profiles.js';
import { defaultClinicDaySettings } from './settings.js';
import { runClinicDay } from './simulation.js';

export const clinicDayScenario = {
  name: 'clinic-session',
  aliases: ['clinic-day'],
  summary: 'one clinic session (15 minutes of doors open, compressed): patients move registration -> triage -> clinician -> lab -> pharmacy across devices running the real clinic node, under the seed problem\'s faults',
  faultProfileNames: clinicFaultProfiles.map((profile) => profile.name),
  nodesOption: 'devices',
  seedLineFigures: ['patients', 'visitsCompleted', 'acknowledgedWrites', 'acknowledgedPending', 'refusedWrites', 'elections', 'batteryDeaths', 'lanOutages', 'handoffsMeasured'],
  deriveFigures: derivedClinicFigures,

  settings(nodes: number, faults: string): JsonValue {
    return toJson({ devices: nodes, faultProfile: profileNamed(faults), ...defaultClinicDaySettings });
  },

  async runSeed(options: ScenarioRunOptions): Promise<SeedOutcome> {
    const result = await runClinicDay({
      seed: options.seed, deviceCount: options.nodes, profile: profileNamed(options.faults), trace: options.trace, voterPolicy: options.voterPolicy === true,
    });
    return seedOutcome(result);
  },
} satisfies Scenario;

function profileNamed(name: string): ClinicFaultProfile {
  const profile = findClinicFaultProfile(name);
  if (profile === undefined) throw new Error(`unknown fault profile '${name}'`);
  return profile;
}
