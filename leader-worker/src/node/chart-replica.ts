// The chart state machine as the thing a clinic node replicates.
import { assert } from '../invariants/assert.js';
import { ChartStateMachine, duplicateWindowSequences, type ApplyResult } from '../chart/index.js';
import type { StateMachineFactory } from './replicated-state-machine.js';

export function chartStateMachines(clinicId: string): StateMachineFactory<ApplyResult> {
  return {
    sequenceWindow: duplicateWindowSequences,
    create: () => new ChartStateMachine(clinicId),
    restore: (snapshot) => {
      const restored = ChartStateMachine.restore(snapshot);
      // A snapshot comes from our own storage or from the leader, both of which wrote it with snapshot():
      // one that does not decode is corruption, and carrying on would fork this device's records.
      assert(restored.type === 'restored', `chart snapshot does not restore: ${restored.type === 'invalid' ? restored.reason : ''}`);
      return restored.machine;
    },
  };
}
