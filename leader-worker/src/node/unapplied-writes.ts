// The writes proposed on this device and not yet applied, per client: what keeps a client within the state
// machine's duplicate window. The state machine remembers outcomes only `sequenceWindow` sequences back from a
// client's newest, so a sequence that far ahead of the client's oldest unapplied one would make that one look
// like a copy when it finally commits, and it would be dropped. Such a write waits in the outbox instead.
import type { CommandIdentity } from './replicated-state-machine.js';

export class UnappliedWrites {
  /** Per client, the sequences proposed here and not yet applied (waiting, in the outbox, or handed to a peer). */
  private readonly sequencesByClient = new Map<string, Set<number>>();

  constructor(private readonly sequenceWindow: number) {}

  track(identity: CommandIdentity): void {
    let sequences = this.sequencesByClient.get(identity.clientId);
    if (sequences === undefined) {
      sequences = new Set();
      this.sequencesByClient.set(identity.clientId, sequences);
    }
    sequences.add(identity.sequence);
  }

  /** Applied, or given up with nothing holding it: it no longer holds back the client's later writes. */
  forget(identity: CommandIdentity): void {
    const sequences = this.sequencesByClient.get(identity.clientId);
    sequences?.delete(identity.sequence);
    if (sequences?.size === 0) this.sequencesByClient.delete(identity.clientId);
  }

  /** Whether proposing `identity` now keeps every earlier unapplied write of its client inside the window. */
  mayPropose(identity: CommandIdentity): boolean {
    let oldest = identity.sequence;
    for (const sequence of this.sequencesByClient.get(identity.clientId) ?? []) oldest = Math.min(oldest, sequence);
    return identity.sequence - oldest < this.sequenceWindow;
  }
}
