// Parses the simulator's command line. Errors are values (the CLI prints them with the usage text).

export interface CliArguments {
  readonly scenario: string;
  readonly seeds: readonly number[];
  readonly nodes: number;
  readonly faults: string;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly trace: boolean;
  readonly clinics: number;
  /** The leader decides who votes and hands leadership off a poorly powered device (voter-policy/). */
  readonly voterPolicy: boolean;
}

export type ParseResult = { readonly ok: true; readonly arguments: CliArguments } | { readonly ok: false; readonly error: string };

/** A seed list longer than this is a typo, not a plan. */
export const seedsPerRunMax = 1_000_000;

export const usage = `usage: npm run simulate -- --scenario raft --seeds 1..200 [--nodes 5] [--faults none|light|heavy|leader-churn|membership-churn] [--json] [--verbose] [--trace]
       npm run simulate -- --scenario clinic-session --seeds 1..50 [--devices 5] [--faults none|light|heavy|outbox-churn] [--json] [--verbose] [--trace]
       npm run simulate -- --scenario clinics-central --seeds 1..30 [--clinics 3] [--devices 4] [--faults none|light|heavy] [--json] [--verbose] [--trace]
  --scenario clinic-day is the former name of clinic-session (15 minutes of a clinic with its doors open)
  --seeds   a number (17), a range (1..200), or a comma list of either (3,9,20..25)
  --devices the node count under its clinic name (an alias of --nodes; give one of the two)
  --voter-policy on|off  clinic scenarios: the leader manages the voter set and hands leadership off a device on
            low battery or hidden (default off: the founding voters stay)
  --json    the last line of stdout is one JSON object with the figures
  --trace   print every event of each run (deterministic text)`;

const defaults = { scenario: 'raft', seeds: '1..20', nodes: '5', faults: 'light', clinics: '3', 'voter-policy': 'off' };
/** More clinics than this in one run is a typo: each costs as much as a clinic-session. */
export const clinicsPerRunMax = 8;

export function parseCliArguments(argv: readonly string[]): ParseResult {
  const values: Record<string, string> = { ...defaults };
  const flags = new Set<string>();
  const given = new Set<string>();
  for (let position = 0; position < argv.length; position++) {
    const argument = argv[position]!;
    const name = argument.replace(/^--/, '');
    if (argument === name) return { ok: false, error: `unexpected argument '${argument}'` };
    if (name === 'json' || name === 'verbose' || name === 'trace') {
      flags.add(name);
      continue;
    }
    // --devices is what the clinic scenario calls its nodes: the same setting under a second name.
    const key = name === 'devices' ? 'nodes' : name;
    if (!(key in defaults)) return { ok: false, error: `unknown option '${argument}'` };
    const value = argv[position + 1];
    if (value === undefined) return { ok: false, error: `option '${argument}' needs a value` };
    if (key === 'nodes' && given.has('nodes') && values.nodes !== value) return { ok: false, error: '--nodes and --devices name the same count: give one' };
    given.add(key);
    values[key] = value;
    position++;
  }
  const seeds = parseSeeds(values.seeds!);
  if (typeof seeds === 'string') return { ok: false, error: seeds };
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 15) return { ok: false, error: `--nodes (--devices) must be an integer in [1, 15], got '${values.nodes}'` };
  const clinics = Number(values.clinics);
  if (!Number.isInteger(clinics) || clinics < 1 || clinics > clinicsPerRunMax) return { ok: false, error: `--clinics must be an integer in [1, ${clinicsPerRunMax}], got '${values.clinics}'` };
  const voterPolicy = values['voter-policy'];
  if (voterPolicy !== 'on' && voterPolicy !== 'off') return { ok: false, error: `--voter-policy must be on or off, got '${voterPolicy}'` };
  return {
    ok: true,
    arguments: {
      scenario: values.scenario!, seeds, nodes, faults: values.faults!,
      json: flags.has('json'), verbose: flags.has('verbose'), trace: flags.has('trace'), clinics, voterPolicy: voterPolicy === 'on',
    },
  };
}

/** "17", "1..200", "3,9,20..25" -> seeds in the given order; an error text otherwise. */
export function parseSeeds(text: string): number[] | string {
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const range = /^(\d+)\.\.(\d+)$/.exec(part);
    const single = /^\d+$/.exec(part);
    if (range !== null) {
      const first = Number(range[1]);
      const last = Number(range[2]);
      if (last < first) return `seed range '${part}' is empty`;
      if (seeds.length + (last - first + 1) > seedsPerRunMax) return `more than ${seedsPerRunMax} seeds`;
      for (let seed = first; seed <= last; seed++) seeds.push(seed);
    } else if (single !== null) {
      seeds.push(Number(part));
    } else {
      return `cannot read seeds '${part}': use 17, 1..200 or 3,9,20..25`;
    }
  }
  if (!seeds.every((seed) => Number.isSafeInteger(seed))) return `seeds must be safe integers: '${text}'`;
  return seeds;
}
