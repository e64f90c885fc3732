// The duplicate window's memory bound (duplicate-window.ts): per client at most 2 * duplicateWindowSequences
// outcomes are kept, however long the client proposes, so a tablet in use for years does not grow every
// device's state (and every snapshot) without end. Past the bound, the outcomes below the window are dropped.
import { duplicateWindowSequences } from '../../src/chart/limits.js';
import { ChartHarness, registerPatient, uuid } from './chart-harness.js';

function keptOutcomes(harness: ChartHarness): number[] {
  const snapshot = JSON.parse(new TextDecoder().decode(harness.machine.snapshot())) as { duplicates: { clients: { outcomes: [number, unknown][] }[] } };
  return snapshot.duplicates.clients.map((client) => client.outcomes.length);
}

describe('chart duplicate detection memory', () => {
  it('keeps at most twice the window of outcomes per client, and drops only those below the window', () => {
    const harness = new ChartHarness();
    const proposals = duplicateWindowSequences * 5;
    // Rejections are recorded like acceptances, and cost nothing to apply.
    for (let sequence = 1; sequence <= proposals; sequence++) harness.propose(registerPatient('not-a-uuid'), { sequence });
    const [kept] = keptOutcomes(harness);
    expect(kept).toBeLessThanOrEqual(2 * duplicateWindowSequences);
    expect(kept).toBeGreaterThanOrEqual(duplicateWindowSequences);
    const lowest = proposals - duplicateWindowSequences + 1;
    const inside = harness.propose(registerPatient(uuid(1, 1)), { sequence: lowest });
    expect(inside.type === 'duplicate' && inside.original?.type).toBe('rejected');
  });

  it('keeps every outcome up to the bound', () => {
    const harness = new ChartHarness();
    for (let sequence = 1; sequence <= 2 * duplicateWindowSequences; sequence++) harness.propose(registerPatient('not-a-uuid'), { sequence });
    expect(keptOutcomes(harness)).toEqual([2 * duplicateWindowSequences]);
  });
});
