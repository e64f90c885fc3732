// The simulated application: it applies each (clientId, seq) at most once, keeps an order-sensitive digest of
// what it applied, and round-trips through bytes for snapshots. Client sessions follow Raft thesis §6.3: a
// proposal retried or duplicated by the network may sit in the log twice, and the second copy is a no-op.
import type { Entry } from '../../../leader-worker/src/raft/types.js';
import { commandKey, decodeCommand } from './command-codec.js';
import { digestBytes, digestText, emptyDigest, type DigestState } from './hashing.js';
import type { CheckedStateMachine } from './invariants/safety-checker.js';

/** What applying one committed entry did. */
export type ApplyOutcome = 'applied' | 'duplicate' | 'skipped';

interface ClientSession {
  /** Every seq below this was applied (and acknowledged); retries of them are duplicates. */
  acknowledgedBelow: number;
  /** Seqs at or above `acknowledgedBelow` that were applied. Bounded by the client's pending limit. */
  readonly appliedSeqs: Set<number>;
}

const serializationVersion = 1;

export class ClientSessionStateMachine {
  private digest: DigestState = emptyDigest;
  private appliedCommandCount = 0;
  private readonly sessions = new Map<number, ClientSession>();

  /** Applies a committed entry. Only commands change state; noop and membership entries are the core's. */
  apply(entry: Entry): ApplyOutcome {
    if (entry.type !== 'command') return 'skipped';
    const command = decodeCommand(entry.data);
    if (command === null) return 'skipped';
    const session = this.sessionOf(command.clientId);
    const duplicate = this.sessionHasApplied(session, command.seq);
    // Raising the floor is itself deterministic state: every replica sees the same entries in order.
    this.raiseFloor(session, command.acknowledgedBelow);
    if (duplicate) return 'duplicate';
    session.appliedSeqs.add(command.seq);
    this.digest = digestBytes(this.digest, entry.data);
    this.appliedCommandCount++;
    return 'applied';
  }

  hasApplied(clientId: number, seq: number): boolean {
    const session = this.sessions.get(clientId);
    return session !== undefined && this.sessionHasApplied(session, seq);
  }

  /** The order-sensitive digest of every command applied so far. */
  stateHash(): string {
    return `${digestText(this.digest)}/${this.appliedCommandCount}`;
  }

  serialize(): Uint8Array {
    const clientIds = [...this.sessions.keys()].sort((a, b) => a - b);
    const words: number[] = [serializationVersion, this.digest.low, this.digest.high, this.appliedCommandCount, clientIds.length];
    for (const clientId of clientIds) {
      const session = this.sessions.get(clientId)!;
      const seqs = [...session.appliedSeqs].sort((a, b) => a - b);
      words.push(clientId, session.acknowledgedBelow, seqs.length, ...seqs);
    }
    const bytes = new Uint8Array(words.length * 4);
    const view = new DataView(bytes.buffer);
    words.forEach((word, position) => view.setUint32(position * 4, word, true));
    return bytes;
  }

  /** Rebuilds the state from `serialize()` output; empty bytes are the empty state (a bootstrap snapshot). */
  static restore(bytes: Uint8Array): ClientSessionStateMachine {
    const machine = new ClientSessionStateMachine();
    if (bytes.byteLength === 0) return machine;
    const reader = new WordReader(bytes);
    const version = reader.next();
    if (version !== serializationVersion) throw new Error(`unknown state machine snapshot version ${version}`);
    machine.digest = { low: reader.next(), high: reader.next() };
    machine.appliedCommandCount = reader.next();
    const sessionCount = reader.next();
    for (let sessionIndex = 0; sessionIndex < sessionCount; sessionIndex++) {
      const clientId = reader.next();
      const acknowledgedBelow = reader.next();
      const seqCount = reader.next();
      const appliedSeqs = new Set<number>();
      for (let seqIndex = 0; seqIndex < seqCount; seqIndex++) appliedSeqs.add(reader.next());
      machine.sessions.set(clientId, { acknowledgedBelow, appliedSeqs });
    }
    reader.expectEnd();
    return machine;
  }

  private sessionOf(clientId: number): ClientSession {
    let session = this.sessions.get(clientId);
    if (session === undefined) {
      session = { acknowledgedBelow: 0, appliedSeqs: new Set() };
      this.sessions.set(clientId, session);
    }
    return session;
  }

  private sessionHasApplied(session: ClientSession, seq: number): boolean {
    return seq < session.acknowledgedBelow || session.appliedSeqs.has(seq);
  }

  private raiseFloor(session: ClientSession, acknowledgedBelow: number): void {
    if (acknowledgedBelow <= session.acknowledgedBelow) return;
    session.acknowledgedBelow = acknowledgedBelow;
    for (const seq of session.appliedSeqs) if (seq < acknowledgedBelow) session.appliedSeqs.delete(seq);
  }
}

/** Reads little-endian u32 words, failing loudly on truncated input. */
class WordReader {
  private readonly view: DataView;
  private offset = 0;

  constructor(bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  next(): number {
    if (this.offset + 4 > this.view.byteLength) throw new Error('state machine snapshot is truncated');
    const word = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return word;
  }

  expectEnd(): void {
    if (this.offset !== this.view.byteLength) throw new Error('state machine snapshot has trailing bytes');
  }
}

/** The session machine as the safety checker sees it. */
export const clientSessionMachineView: CheckedStateMachine = {
  emptyStateHash: new ClientSessionStateMachine().stateHash(),
  commandKey(entry) {
    const command = entry.type === 'command' ? decodeCommand(entry.data) : null;
    return command === null ? null : commandKey(command.clientId, command.seq);
  },
  isFirstApplication: (outcome) => outcome === 'applied',
  describeCommand(key) {
    const numeric = Number(key);
    return `client ${Math.floor(numeric / 0x200000)} seq ${numeric % 0x200000}`;
  },
};
