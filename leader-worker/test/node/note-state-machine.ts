// A small replicated state machine for driver tests: it records notes, applies each (clientId, sequence)
// once, and rejects commands without text, like the chart state machine would.
import type { ReplicatedStateMachine, StateMachineFactory } from '../../src/node/replicated-state-machine.js';
import { commandIdentity, identityKey } from '../../src/node/replicated-state-machine.js';

export type NoteResult = { readonly type: 'applied'; readonly position: number } | { readonly type: 'duplicate'; readonly position: number } | { readonly type: 'rejected' };

interface NoteState {
  notes: string[];
  positions: Record<string, number>;
}

export class NoteStateMachine implements ReplicatedStateMachine<NoteResult> {
  constructor(private readonly state: NoteState = { notes: [], positions: {} }) {}

  get notes(): readonly string[] {
    return this.state.notes;
  }

  apply(_logIndex: number, command: unknown): NoteResult {
    const identity = commandIdentity(command);
    const text = (command as { text?: unknown } | undefined)?.text;
    if (identity === null || typeof text !== 'string' || text.length === 0) return { type: 'rejected' };
    const key = identityKey(identity);
    const earlier = this.state.positions[key];
    if (earlier !== undefined) return { type: 'duplicate', position: earlier };
    this.state.positions[key] = this.state.notes.length;
    this.state.notes.push(text);
    return { type: 'applied', position: this.state.notes.length - 1 };
  }

  snapshot(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(this.state));
  }

  stateHash(): string {
    return this.state.notes.join('|');
  }
}

export const noteStateMachines: StateMachineFactory<NoteResult> = {
  create: () => new NoteStateMachine(),
  restore: (bytes) => new NoteStateMachine(JSON.parse(new TextDecoder().decode(bytes)) as NoteState),
};
