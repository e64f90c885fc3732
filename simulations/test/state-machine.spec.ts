// The simulated application: each (clientId, seq) applies once (Raft thesis §6.3), the digest depends on
// order, and snapshots round-trip exactly.
import type { Entry } from '../../leader-worker/src/raft/types.js';
import { encodeCommand } from '../src/raft/command-codec.js';
import { ClientSessionStateMachine } from '../src/raft/state-machine.js';

function commandEntry(index: number, clientId: number, seq: number, acknowledgedBelow = 0): Entry {
  const data = encodeCommand({ clientId, seq, acknowledgedBelow, payload: new Uint8Array([seq, clientId, 7]) });
  return { index, term: 1, type: 'command', data };
}

describe('ClientSessionStateMachine', () => {
  it('applies a command once and treats its copies as duplicates', () => {
    const machine = new ClientSessionStateMachine();
    expect(machine.apply(commandEntry(1, 1, 1))).toBe('applied');
    expect(machine.apply(commandEntry(2, 1, 1))).toBe('duplicate');
    expect(machine.apply(commandEntry(3, 2, 1))).toBe('applied');
    expect(machine.apply({ index: 4, term: 1, type: 'noop' })).toBe('skipped');
    expect(machine.hasApplied(1, 1)).toBeTrue();
    expect(machine.hasApplied(1, 2)).toBeFalse();
  });

  it('rejects retries below the client floor after forgetting them', () => {
    const machine = new ClientSessionStateMachine();
    machine.apply(commandEntry(1, 1, 1));
    machine.apply(commandEntry(2, 1, 2, 2));
    expect(machine.apply(commandEntry(3, 1, 1))).toBe('duplicate');
  });

  it('has an order-sensitive digest', () => {
    const forward = new ClientSessionStateMachine();
    forward.apply(commandEntry(1, 1, 1));
    forward.apply(commandEntry(2, 2, 1));
    const backward = new ClientSessionStateMachine();
    backward.apply(commandEntry(1, 2, 1));
    backward.apply(commandEntry(2, 1, 1));
    expect(forward.stateHash()).not.toBe(backward.stateHash());
  });

  it('round-trips through snapshot bytes', () => {
    const machine = new ClientSessionStateMachine();
    for (let seq = 1; seq <= 5; seq++) machine.apply(commandEntry(seq, 3, seq, seq === 5 ? 3 : 0));
    const restored = ClientSessionStateMachine.restore(machine.serialize());
    expect(restored.stateHash()).toBe(machine.stateHash());
    expect(restored.serialize()).toEqual(machine.serialize());
    expect(restored.apply(commandEntry(6, 3, 4))).toBe('duplicate');
    expect(ClientSessionStateMachine.restore(new Uint8Array(0)).stateHash()).toBe(new ClientSessionStateMachine().stateHash());
  });
});
