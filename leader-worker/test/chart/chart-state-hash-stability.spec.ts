// The state hash is compared across devices and central that do not upgrade together: a device on one release
// and central on the next must compute the same hash for the same log, or every comparison reports a
// divergence that is not there. So its value for a known log is fixed here; a change to the digest, the
// canonical encoding or what an entry folds in shows up as a failure of this spec, to be made on purpose
// (with a migration of stored hashes), never by accident.
import { ChartStateMachine } from '../../src/chart/chart-state-machine.js';
import { ChartHarness, validCommands } from './chart-harness.js';

describe('the chart state hash across releases', () => {
  it('is fixed for a clinic with no entries', () => {
    expect(new ChartStateMachine('clinic-1').stateHash()).toBe('6dfc9fd80d207035a7ce8f19cb9fbc86');
  });

  it('is fixed for a log with one valid command of every type', () => {
    const harness = new ChartHarness();
    for (const command of validCommands()) harness.ok(command);
    expect(harness.machine.stateHash()).toBe('47e6cbb1d7949b5a610035c6ce8eb3e7');
  });
});
