// The clinics-central scenario: three clinics of real clinic nodes and the simulated central, joined by every
// device's real CentralLink. A few light seeds pass and converge, with lab results on every device, leases
// granted, outages of the link, and a seed replays to the same trace.
import type { SeedOutcome } from '../src/scenario.js';
import { clinicsCentralScenario } from '../src/clinics-central/clinics-central-scenario.js';

/** Three clinics of four devices take seconds of real time per seed. */
const timeoutMs = 240_000;

describe('the clinics-central scenario', () => {
  it('passes light seeds: central converges, every lab result reaches every device, leases and outages happen', async () => {
    const outcomes: SeedOutcome[] = [];
    for (const seed of [1, 2, 3]) outcomes.push(await clinicsCentralScenario.runSeed({ seed, nodes: 4, faults: 'light', trace: false, clinics: 3 }));
    const total = (figure: string): number => outcomes.reduce((sum, outcome) => sum + (outcome.figures[figure] ?? 0), 0);
    expect(outcomes.filter((outcome) => outcome.violation !== null).map((outcome) => `seed ${outcome.seed}: ${outcome.violation!.invariant}: ${outcome.violation!.message}`)).toEqual([]);
    expect(total('centralConverged')).toBe(3);
    expect(total('labResultsPosted')).toBeGreaterThan(0);
    expect(total('labResultsOnEveryDevice')).toBe(total('labResultsPosted'));
    for (const figure of ['leaseGrants', 'linkOutages', 'sharedPatientVisits', 'centralEntriesStored']) expect(total(figure)).withContext(figure).toBeGreaterThan(0);
  }, timeoutMs);
});
