// The simulator's command line: `npm run simulate -- --scenario raft --seeds 1..200 --nodes 5 --faults heavy`,
// `npm run simulate -- --scenario clinic-session --seeds 1..50 --devices 5 --faults heavy`. Exit code 1 when any
// seed fails, 2 on a usage error. With --json the last stdout line is the summary. The wall-clock time of the
// run goes to stderr (and the JSON's wallClock key), so the rest of stdout is the same bytes for the same seeds.
import { parseCliArguments, usage } from './cli-arguments.js';
import { settingsTable, summaryJson, summaryLines, wallClockFigures, wallClockLine } from './report.js';
import { runSeeds } from './run-seeds.js';
import { findScenario, scenarios } from './scenario-registry.js';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCliArguments(argv);
  if (!parsed.ok) return usageError(parsed.error);
  const options = parsed.arguments;
  const scenario = findScenario(options.scenario);
  if (scenario === undefined) return usageError(`unknown scenario '${options.scenario}' (known: ${scenarios.map((known) => known.name).join(', ')})`);
  if (!scenario.faultProfileNames.includes(options.faults)) {
    return usageError(`unknown fault profile '${options.faults}' for ${scenario.name} (known: ${scenario.faultProfileNames.join(', ')})`);
  }
  const settings = scenario.settings(options.nodes, options.faults);
  const print = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  print(`scenario ${scenario.name}: ${scenario.summary}`);
  print(`seeds ${options.seeds.length}, ${scenario.nodesOption ?? 'nodes'} ${options.nodes}, faults ${options.faults}`);
  if (options.verbose) for (const line of ['settings (fault profile, timings, workload, limits):', ...settingsTable(settings)]) print(line);
  // Wall-clock time is read here, around the whole run and outside it, so no seed depends on it.
  const startedMs = performance.now();
  const summary = await runSeeds(options, print);
  const wallClock = wallClockFigures(summary.figures.virtualMs ?? 0, Math.round(performance.now() - startedMs));
  for (const line of summaryLines(summary)) print(line);
  // On stderr: stdout stays the same bytes for the same seeds, except the JSON's wallClock key.
  process.stderr.write(`${wallClockLine(wallClock)}\n`);
  if (options.json) print(JSON.stringify(summaryJson(summary, settings, wallClock)));
  return summary.failures.length > 0 ? 1 : 0;
}

function usageError(error: string): number {
  process.stderr.write(`${error}\n${usage}\n`);
  return 2;
}

// exitCode, not exit(): stdout may be a pipe still flushing a long trace.
process.exitCode = await main(process.argv.slice(2));
