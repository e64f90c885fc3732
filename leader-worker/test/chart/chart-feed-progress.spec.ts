// How far the clinic log has decided central's feed: what a new leader resumes the import from. Every item up
// to it has an outcome (applied or refused); an item that committed out of order does not move it past a hole.
import { duplicateWindowSequences } from '../../src/chart/limits.js';
import { feedClientId } from '../../src/chart/index.js';
import { ChartHarness, registerPatient, restoreOrFail, uuid } from './chart-harness.js';

function feedItem(harness: ChartHarness, sequence: number): void {
  harness.propose(registerPatient(uuid(9, sequence)), { clientId: feedClientId, sequence });
}

describe('the clinic log\'s progress through central\'s feed', () => {
  it('is 0 before any item, then the highest sequence with every one before it decided', () => {
    const harness = new ChartHarness();
    expect(harness.machine.feedDecidedThrough()).toBe(0);
    feedItem(harness, 1);
    feedItem(harness, 2);
    expect(harness.machine.feedDecidedThrough()).toBe(2);
  });

  it('stops below a hole (an item a new leader re-imports) and closes it when the hole is filled', () => {
    const harness = new ChartHarness();
    feedItem(harness, 1);
    feedItem(harness, 3);
    feedItem(harness, 4);
    expect(harness.machine.feedDecidedThrough()).toBe(1);
    feedItem(harness, 2);
    expect(harness.machine.feedDecidedThrough()).toBe(4);
  });

  it('counts a refused item as decided: its outcome is known, and re-importing it changes nothing', () => {
    const harness = new ChartHarness();
    feedItem(harness, 1);
    // A second registration of the same patient id is refused by the state machine, under the feed's identity.
    expect(harness.propose(registerPatient(uuid(9, 1)), { clientId: feedClientId, sequence: 2 }).type).toBe('rejected');
    expect(harness.machine.feedDecidedThrough()).toBe(2);
  });

  it('goes on past the duplicate window and survives a snapshot', () => {
    const harness = new ChartHarness();
    const count = duplicateWindowSequences * 3 + 5;
    for (let sequence = 1; sequence <= count; sequence++) feedItem(harness, sequence);
    expect(harness.machine.feedDecidedThrough()).toBe(count);
    expect(restoreOrFail(harness.machine.snapshot()).feedDecidedThrough()).toBe(count);
  });

  it('is about the feed alone: a device\'s own proposals do not move it', () => {
    const harness = new ChartHarness();
    harness.ok(registerPatient(), { clientId: 'tablet-1', sequence: 1 });
    expect(harness.machine.feedDecidedThrough()).toBe(0);
  });
});
