// Runs one scenario over a list of seeds, one after another, printing as it goes, and returns the summary.
// One seed's failure (including an exception thrown by the core) never stops the others.
import { findScenario } from './scenario-registry.js';
import type { SeedOutcome } from './scenario.js';
import { replayCommand, seedFiguresLine, seedLine, summarize, type RunDescription, type RunSummary } from './report.js';

export interface SeedRunOptions extends RunDescription {
  readonly seeds: readonly number[];
  readonly verbose: boolean;
  readonly trace: boolean;
  readonly clinics?: number;
}

/** Clinics of a several-clinic scenario when --clinics is not given. */
export const defaultClinics = 3;

export async function runSeeds(options: SeedRunOptions, print: (line: string) => void): Promise<RunSummary> {
  const scenario = findScenario(options.scenario);
  if (scenario === undefined) throw new Error(`unknown scenario '${options.scenario}'`);
  const clinics = scenario.clinicsOption === true ? options.clinics ?? defaultClinics : undefined;
  const voterPolicy = options.voterPolicy === true ? { voterPolicy: true } : {};
  const description: RunDescription = {
    scenario: scenario.name, nodes: options.nodes, faults: options.faults, nodesOption: scenario.nodesOption ?? 'nodes', ...(clinics === undefined ? {} : { clinics }), ...voterPolicy,
  };
  const outcomes: SeedOutcome[] = [];
  for (const seed of options.seeds) {
    const perClinic = { ...(clinics === undefined ? {} : { clinics }), ...voterPolicy };
    const outcome = await scenario.runSeed({ seed, nodes: options.nodes, faults: options.faults, trace: options.trace, ...perClinic });
    outcomes.push(outcome);
    if (options.trace) print(`--- trace of seed ${seed} ---\n${outcome.trace}--- end of trace of seed ${seed} ---`);
    print(seedLine(outcome, scenario.seedLineFigures));
    if (options.verbose) print(seedFiguresLine(outcome));
    if (outcome.violation !== null) print(`  replay: ${replayCommand(description, seed)}`);
  }
  return summarize(description, outcomes, scenario.deriveFigures);
}
