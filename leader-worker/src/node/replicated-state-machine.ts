// What the node driver needs from the state machine it replicates (the chart state machine on devices,
// a small session machine in tests): deterministic apply, snapshots, and a hash to compare devices.

/** Every command carries who proposed it and their sequence number: a retried proposal is applied once. */
export interface CommandIdentity {
  readonly clientId: string;
  readonly sequence: number;
}

export interface ReplicatedStateMachine<Result> {
  /**
   * Applies the decoded command committed at `logIndex`. Never throws for bad input: a malformed or invalid
   * command yields a rejection result, and the state is unchanged. Re-applying an identity returns the
   * original result. `leaderTimeMs` is the entry's Entry.leaderTimeMs (the clinic's time), when it has one.
   */
  apply(logIndex: number, command: unknown, leaderTimeMs?: number): Result;
  /** Whether a command with this identity has been applied (so a copy of it would apply nothing). */
  hasApplied(identity: CommandIdentity): boolean;
  snapshot(): Uint8Array;
  stateHash(): string;
}

export interface StateMachineFactory<Result> {
  /**
   * How far ahead of its oldest unapplied proposal a client may propose. The state machine forgets
   * outcomes further back than this, so a proposal that arrived after the client ran that far ahead would
   * be taken for a copy and dropped; the driver holds such proposals in the outbox instead.
   */
  readonly sequenceWindow: number;
  create(): ReplicatedStateMachine<Result>;
  restore(snapshot: Uint8Array): ReplicatedStateMachine<Result>;
}

/** Reads the identity of a decoded command, or null when it has none (the state machine will reject it). */
export function commandIdentity(command: unknown): CommandIdentity | null {
  if (typeof command !== 'object' || command === null) return null;
  const { clientId, sequence } = command as Record<string, unknown>;
  if (typeof clientId !== 'string' || clientId.length === 0) return null;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence <= 0) return null;
  return { clientId, sequence };
}

export function identityKey(identity: CommandIdentity): string {
  return `${identity.clientId}#${identity.sequence}`;
}
