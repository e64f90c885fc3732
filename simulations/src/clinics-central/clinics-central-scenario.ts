// The `clinics-central` scenario: several clinics (each a clinic session of real ClinicNodes on its LAN, under
// the clinic fault profile of the same name) and central, joined by every device's real CentralLink over a
// cellular link with outages and a peak hour, to a simulated central running the real API's rules.
import { seedOutcome, toJson, type JsonValue, type Scenario, type ScenarioRunOptions, type SeedOutcome } from '../scenario.js';
import { Figures } from '../engine/figures.js';
import { derivedClinicFigures } from '../clinic-day/clinic-figures.js';
import { findClinicFaultProfile } from '../clinic-day/fault-profiles.js';
import { defaultClinics } from '../run-seeds.js';
import { centralLinkFaultProfiles, findCentralLinkFaultProfile } from './central-fault-profiles.js';
import { clinicsCentralLimits, clinicsCentralSettings, runClinicsCentral } from './clinics-central-simulation.js';

export const clinicsCentralScenario = {
  name: 'clinics-central',
  summary: 'several clinics sharing some patients, each a clinic session of real clinic nodes, every device running its link to central over a cellular link with outages and a peak hour, to a central with the real API\'s rules',
  faultProfileNames: centralLinkFaultProfiles.map((profile) => profile.name),
  nodesOption: 'devices',
  clinicsOption: true,
  seedLineFigures: ['clinics', 'patients', 'acknowledgedWrites', 'centralEntriesStored', 'linkOutages', 'longestOutageMs', 'leaseGrants', 'fencedWrites', 'labResultsPosted', 'centralConverged'],
  deriveFigures: (totals) => ({
    ...derivedClinicFigures(totals),
    centralConverged: totals['centralConverged'] ?? 0,
    labResultsPosted: totals['labResultsPosted'] ?? 0,
    labResultsOnEveryDevice: totals['labResultsOnEveryDevice'] ?? 0,
  }),

  settings(nodes: number, faults: string): JsonValue {
    const profiles = { clinicFaultProfile: findClinicFaultProfile(faults), linkFaultProfile: findCentralLinkFaultProfile(faults) };
    return toJson({ devices: nodes, ...profiles, centralLimits: clinicsCentralLimits, ...clinicsCentralSettings });
  },

  async runSeed(options: ScenarioRunOptions): Promise<SeedOutcome> {
    const clinicProfile = findClinicFaultProfile(options.faults);
    const linkProfile = findCentralLinkFaultProfile(options.faults);
    if (clinicProfile === undefined || linkProfile === undefined) throw new Error(`unknown fault profile '${options.faults}'`);
    const clinicCount = options.clinics ?? defaultClinics;
    const run = await runClinicsCentral({ seed: options.seed, clinicCount, deviceCount: options.nodes, clinicProfile, linkProfile, trace: options.trace });
    return seedOutcome({ seed: run.seed, violation: run.violation, figures: new FixedFigures(run.counters, run.samples), trace: run.trace });
  },
} satisfies Scenario;

/** Figures already gathered (the clinics' and central's, merged). */
class FixedFigures extends Figures {
  constructor(
    private readonly fixedCounters: Record<string, number>,
    private readonly fixedSamples: Record<string, readonly number[]>,
  ) {
    super();
  }

  override counters(): Record<string, number> {
    return this.fixedCounters;
  }

  override samples(): Record<string, readonly number[]> {
    return this.fixedSamples;
  }
}
