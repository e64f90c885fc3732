// The chart state machine as the reused Raft safety checker sees it: a command's key is its proposal name
// (clientId#sequence), and every outcome but 'duplicate' is the proposal's one real application (a
// rejection is recorded too, so a later copy of a rejected proposal is a duplicate as well).
import { ChartStateMachine, decodeCommand } from '../../../leader-worker/src/chart/index.js';
import { commandIdentity, identityKey } from '../../../leader-worker/src/node/replicated-state-machine.js';
import type { CheckedStateMachine } from '../raft/invariants/safety-checker.js';

export function chartMachineView(clinicId: string): CheckedStateMachine {
  return {
    emptyStateHash: new ChartStateMachine(clinicId).stateHash(),
    commandKey: (entry) => {
      const identity = entry.type === 'command' ? commandIdentity(decodeCommand(entry.data)) : null;
      return identity === null ? null : identityKey(identity);
    },
    isFirstApplication: (outcome) => outcome !== 'duplicate',
    describeCommand: (key) => `write ${String(key)}`,
  };
}
