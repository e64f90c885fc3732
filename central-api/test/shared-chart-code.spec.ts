// Central applies the clinics' own chart state machine, compiled once by the clinic project and reached
// through the TypeScript project reference (central-api/tsconfig.json). This proves the wiring at compile
// time and at run time, and that the clinic ids central issues are ids the state machine accepts.
import { randomUUID } from 'node:crypto';
import { ChartStateMachine } from '../../leader-worker/src/chart/index.js';

describe('the chart state machine shared with the clinics', () => {
  it('accepts a clinic id as central issues it (a UUID) and rejects a malformed entry without throwing', () => {
    const machine = new ChartStateMachine(randomUUID());
    expect(machine.apply(1, { not: 'a proposal' }).type).toBe('rejected');
  });
});
