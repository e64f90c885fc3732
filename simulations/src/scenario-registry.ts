// Every scenario the CLI can run, by name. A new one is added to this list and nowhere else.
import { clinicDayScenario } from './clinic-day/clinic-day-scenario.js';
import { clinicsCentralScenario } from './clinics-central/clinics-central-scenario.js';
import { raftScenario } from './raft/raft-scenario.js';
import type { Scenario } from './scenario.js';

export const scenarios: readonly Scenario[] = [raftScenario, clinicDayScenario, clinicsCentralScenario];

/** The scenario called `name`, or known by it as an alias. */
export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((scenario) => scenario.name === name || (scenario.aliases ?? []).includes(name));
}
