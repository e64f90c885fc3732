// A small replicated state machine for driver tests: it records notes and, like the chart state machine,
// applies each (clientId, sequence) once by remembering outcomes only within a window of sequences behind
// the client's newest (older ones count as seen). Commands without text are rejected.
import type { CommandIdentity, ReplicatedStateMachine, StateMachineFactory } from '../../src/node/replicated-state-machine.js';
import { commandIdentity } from '../../src/node/replicated-state-machine.js';

export type NoteResult =
  | { readonly type: 'applied'; readonly position: number }
  | { readonly type: 'duplicate'; readonly position: number | null }
  | { readonly type: 'rejected' };

interface NoteState {
  notes: string[];
  /** Per client: sequences at or below `floor` count as seen; `positions` holds the ones above it. */
  clients: Record<string, { floor: number; highest: number; positions: Record<number, number> }>;
}

export class NoteStateMachine implements ReplicatedStateMachine<NoteResult> {
  constructor(private readonly sequenceWindow: number, private readonly state: NoteState = { notes: [], clients: {} }) {}

  get notes(): readonly string[] {
    return this.state.notes;
  }

  apply(_logIndex: number, command: unknown): NoteResult {
    const identity = commandIdentity(command);
    const text = (command as { text?: unknown } | undefined)?.text;
    if (identity === null || typeof text !== 'string' || text.length === 0) return { type: 'rejected' };
    const client = (this.state.clients[identity.clientId] ??= { floor: 0, highest: 0, positions: {} });
    if (identity.sequence <= client.floor) return { type: 'duplicate', position: null };
    const earlier = client.positions[identity.sequence];
    if (earlier !== undefined) return { type: 'duplicate', position: earlier };
    client.positions[identity.sequence] = this.state.notes.length;
    client.highest = Math.max(client.highest, identity.sequence);
    client.floor = Math.max(client.floor, client.highest - this.sequenceWindow);
    this.state.notes.push(text);
    return { type: 'applied', position: this.state.notes.length - 1 };
  }

  hasApplied(identity: CommandIdentity): boolean {
    const client = this.state.clients[identity.clientId];
    return client !== undefined && (identity.sequence <= client.floor || client.positions[identity.sequence] !== undefined);
  }

  snapshot(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(this.state));
  }

  stateHash(): string {
    return this.state.notes.join('|');
  }
}

export function noteStateMachines(sequenceWindow = 256): StateMachineFactory<NoteResult> {
  return {
    sequenceWindow,
    create: () => new NoteStateMachine(sequenceWindow),
    restore: (bytes) => new NoteStateMachine(sequenceWindow, JSON.parse(new TextDecoder().decode(bytes)) as NoteState),
  };
}
