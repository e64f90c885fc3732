// The global record every node is compared against: what was ever persisted at (index, term), what was ever
// committed at each index, and what was applied there (with the state hash right after). Nodes come and go;
// this record only grows, so "no committed entry is ever lost or changed" can be checked at any moment.
import type { Entry } from '../../../../leader-worker/src/raft/types.js';
import { check } from '../../engine/violation.js';
import { entryFingerprint } from './entry-fingerprint.js';

/** A proposal's (client, sequence) name as a map key: a number in the raft scenario, text in clinic-day. */
export type CommandKey = number | string;

export interface CommittedRecord {
  readonly term: number;
  readonly fingerprint: string;
  /**
   * The term in which the entry was committed: the lowest term any witness was in when it showed the entry
   * as committed. A node learns of a commit only from a leader of that term or a later one, so this is never
   * below the true term; it equals it whenever the committing leader persisted its commit index (it always
   * does before anything else of that Ready leaves it).
   */
  readonly committedInTerm: number;
  /** Which node first showed this entry as committed, and when: for violation reports. */
  readonly witness: string;
}

export interface AppliedRecord {
  readonly term: number;
  readonly fingerprint: string;
  /** What the state machine said ('applied', 'duplicate', ...): equal on every node. */
  readonly outcome: string;
  /** The state machine's hash right after applying this index. */
  readonly stateHash: string;
  /** (clientId, seq) key of a command entry, else null. */
  readonly commandKey: CommandKey | null;
  readonly witness: string;
}

interface PersistedRecord {
  readonly fingerprint: string;
  readonly previousTerm: number;
  readonly witness: string;
}

export class LogHistory {
  private readonly persistedByIndexAndTerm = new Map<string, PersistedRecord>();
  private readonly committed: (CommittedRecord | undefined)[] = [];
  private readonly applied: (AppliedRecord | undefined)[] = [];
  private committedMax = 0;
  private appliedMax = 0;

  get committedIndexMax(): number {
    return this.committedMax;
  }

  get appliedIndexMax(): number {
    return this.appliedMax;
  }

  committedAt(index: number): CommittedRecord | undefined {
    return this.committed[index];
  }

  /** The highest index known committed in a term before `term` (0 if none): what a leader of `term` must hold. */
  committedIndexMaxBeforeTerm(term: number): number {
    for (let index = this.committedMax; index > 0; index--) {
      const record = this.committed[index];
      if (record !== undefined && record.committedInTerm < term) return index;
    }
    return 0;
  }

  appliedAt(index: number): AppliedRecord | undefined {
    return this.applied[index];
  }

  /**
   * Log Matching (§5.3): one (index, term) always names the same entry, preceded by the same term. By
   * induction over indexes, equal (index, term) then means equal logs up to there on every node.
   */
  recordPersisted(entry: Entry, previousTerm: number, witness: string): void {
    const key = `${entry.index}/${entry.term}`;
    const fingerprint = entryFingerprint(entry);
    const known = this.persistedByIndexAndTerm.get(key);
    if (known === undefined) {
      this.persistedByIndexAndTerm.set(key, { fingerprint, previousTerm, witness });
      return;
    }
    check(known.fingerprint === fingerprint, 'log-matching',
      () => `${witness} persisted ${fingerprint} at ${key}, but ${known.witness} persisted ${known.fingerprint} there`);
    check(known.previousTerm === previousTerm, 'log-matching',
      () => `${witness} has term ${previousTerm} before ${key}, but ${known.witness} had term ${known.previousTerm}`);
  }

  /**
   * Committed entries never change (State Machine Safety, §5.4.3). Records the entry if new, and lowers its
   * commit term to `witnessTerm`, the term the witness is in as it shows the entry committed.
   */
  recordCommitted(entry: Entry, witness: string, witnessTerm: number): void {
    const fingerprint = entryFingerprint(entry);
    const known = this.committed[entry.index];
    if (known === undefined) {
      this.committed[entry.index] = { term: entry.term, fingerprint, committedInTerm: witnessTerm, witness };
      this.committedMax = Math.max(this.committedMax, entry.index);
      return;
    }
    check(known.term === entry.term && known.fingerprint === fingerprint, 'committed-entry-changed',
      () => `${witness} has ${entry.index}/${entry.term} ${fingerprint} committed, but ${known.witness} committed ${entry.index}/${known.term} ${known.fingerprint}`);
    if (witnessTerm < known.committedInTerm) this.committed[entry.index] = { ...known, committedInTerm: witnessTerm };
  }

  /** Any stored entry at a committed index must be the committed one: else a committed entry was overwritten. */
  checkAgainstCommitted(entry: Entry, witness: string): void {
    const known = this.committed[entry.index];
    if (known === undefined) return;
    check(known.term === entry.term && known.fingerprint === entryFingerprint(entry), 'committed-entry-changed',
      () => `${witness} stored ${entry.index}/${entry.term} over committed ${entry.index}/${known.term} ${known.fingerprint} (committed per ${known.witness})`);
  }

  /** Every node applies the same entry, with the same outcome and resulting state, at each index. */
  recordApplied(entry: Entry, record: Omit<AppliedRecord, 'term' | 'fingerprint'>): void {
    const fingerprint = entryFingerprint(entry);
    const known = this.applied[entry.index];
    if (known === undefined) {
      this.applied[entry.index] = { ...record, term: entry.term, fingerprint };
      this.appliedMax = Math.max(this.appliedMax, entry.index);
      return;
    }
    check(known.term === entry.term && known.fingerprint === fingerprint, 'applied-entry-differs',
      () => `${record.witness} applied ${entry.index}/${entry.term} ${fingerprint}, but ${known.witness} applied ${entry.index}/${known.term} ${known.fingerprint}`);
    check(known.outcome === record.outcome, 'applied-entry-differs',
      () => `${record.witness} applied ${entry.index} as ${record.outcome}, but ${known.witness} as ${known.outcome}`);
    check(known.stateHash === record.stateHash, 'state-divergence',
      () => `${record.witness} has state ${record.stateHash} after ${entry.index}, but ${known.witness} had ${known.stateHash}`);
  }
}
