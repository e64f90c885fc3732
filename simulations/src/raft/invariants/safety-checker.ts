// Raft's safety properties, checked as the drivers work and after every event: Election Safety, Log
// Matching, Leader Completeness, State Machine Safety (Figure 3), the commit rule of §5.4.2, and that
// nothing leaves a node before the state it promises is durable (Figure 2: "before responding to RPCs").
//
// The checker judges any driver that can show it these few things (CheckedNode): the raft scenario's own
// simulated node, and the clinic-day scenario's real ClinicNode seen through its storage and transport.
import type { RaftStatus } from '../../../../leader-worker/src/raft/raft.js';
import type { Entry, HardState, Message, NodeId, Ready, Snapshot } from '../../../../leader-worker/src/raft/types.js';
import type { EventQueue } from '../../engine/event-queue.js';
import { check } from '../../engine/violation.js';
import type { DurableStorage } from '../durable-storage.js';
import type { CommandKey, LogHistory } from './log-history.js';

/** The part of a node's status the checks read. */
export type ObservedStatus = Pick<RaftStatus, 'role' | 'term' | 'commitIndex'>;

/** A node's status as last seen after an event, tagged with the process incarnation that reported it. */
export interface Observation<Status extends ObservedStatus = RaftStatus> {
  readonly status: Status;
  readonly incarnation: number;
}

/** A driver as the checker sees it: who, which process, what its disk durably holds, and its state. */
export interface CheckedNode {
  readonly id: NodeId;
  /** Starts of this node's process, counting restarts. */
  readonly incarnation: number;
  /** What the node's disk holds, updated when a write is durable (before anything depending on it leaves). */
  readonly storage: DurableStorage;
  stateHash(): string;
}

/** What the checker must know of the replicated state machine. */
export interface CheckedStateMachine {
  /** The state hash of an empty machine, as restored from the bootstrap snapshot. */
  readonly emptyStateHash: string;
  /** The (client, sequence) key of a command entry; null for any other entry. */
  commandKey(entry: Entry): CommandKey | null;
  /** Whether applying a command with this outcome was its one real application (not a retry's no-op). */
  isFirstApplication(outcome: string): boolean;
  /** The key as a person reads it, for reports. */
  describeCommand(key: CommandKey): string;
}

export class SafetyChecker {
  private readonly leaderByTerm = new Map<number, NodeId>();
  /** `${voter}@${term}` -> the candidate that voter granted its vote to. */
  private readonly grantedVotes = new Map<string, NodeId>();
  /** (clientId, seq) -> the one index where the state machine applied it. */
  private readonly commandAppliedAt = new Map<CommandKey, number>();

  /**
   * @param protocolRules also check the protocol's own rules (persist before send, one vote per term, the
   *   §5.4.2 commit rule), which catch a bug at its first step. Tests turn them off to prove that the
   *   end-to-end properties alone catch the damage such bugs do.
   */
  constructor(
    private readonly history: LogHistory,
    private readonly queue: EventQueue,
    private readonly protocolRules: boolean,
    private readonly machine: CheckedStateMachine,
  ) {}

  /** The log index where the command with this key was applied, if it was. */
  appliedIndexOf(key: CommandKey): number | undefined {
    return this.commandAppliedAt.get(key);
  }

  persisted(node: CheckedNode, ready: Pick<Ready, 'snapshot' | 'entries' | 'hardState'>, previousHardState: HardState): void {
    const witness = this.witness(node);
    if (ready.snapshot !== null) this.checkSnapshotTerm(ready.snapshot, witness);
    // A stale leader or follower may hold a divergent suffix at indexes committed elsewhere; only what this
    // node itself counts as committed must equal the committed entries.
    const durableCommitIndex = node.storage.hardState.commitIndex;
    for (const entry of ready.entries) {
      const previousTerm = node.storage.termAt(entry.index - 1);
      check(previousTerm !== undefined, 'ready-contract', () => `${witness} stored ${entry.index} with no entry before it`);
      this.history.recordPersisted(entry, previousTerm, witness);
      if (entry.index <= durableCommitIndex) this.history.checkAgainstCommitted(entry, witness);
    }
    if (ready.hardState !== null) this.checkHardState(node, previousHardState, witness);
  }

  /** Nothing may leave a node before the state it depends on is durable (Figure 2; the Ready contract). */
  sending(node: CheckedNode, message: Message): void {
    if (!this.protocolRules) return;
    const durable = node.storage.hardState;
    const where = () => `${this.witness(node)} sent ${message.type} t${message.term} with durable t${durable.term}/vote=${durable.votedFor ?? '-'}`;
    if (message.type !== 'preVote' && message.type !== 'preVoteResponse') {
      check(message.term <= durable.term, 'persist-before-send', () => `${where()}: its term is not durable`);
    }
    switch (message.type) {
      case 'vote':
        return this.checkVoteDurable(durable, message.term, message.from, where);
      case 'voteResponse':
        if (message.granted) this.checkGrantedVote(durable, message, where);
        return;
      case 'appendResponse':
        if (!message.rejected && durable.term <= message.term) {
          check(node.storage.lastIndex >= message.index, 'persist-before-send',
            () => `${where()}: acknowledged index ${message.index} but only ${node.storage.lastIndex} is stored`);
        }
        return;
      default:
        return;
    }
  }

  /** The restored state must be exactly what applying the log up to the snapshot produced everywhere. */
  snapshotRestored(node: CheckedNode, snapshot: Snapshot): void {
    const witness = this.witness(node);
    this.checkSnapshotTerm(snapshot, witness);
    const restoredHash = node.stateHash();
    const expectedHash = snapshot.index === 0 ? this.machine.emptyStateHash : this.history.appliedAt(snapshot.index)?.stateHash;
    if (expectedHash === undefined) return;
    check(restoredHash === expectedHash, 'snapshot-state',
      () => `${witness} restored snapshot ${snapshot.index}/${snapshot.term} with state ${restoredHash}, but applying the log gave ${expectedHash}`);
  }

  applied(node: CheckedNode, entry: Entry, outcome: string): void {
    const witness = this.witness(node);
    // The driver persists a Ready before it applies it: the durable term is the term the node learned the commit in, or later.
    this.history.recordCommitted(entry, witness, node.storage.hardState.term);
    const key = this.machine.commandKey(entry);
    this.history.recordApplied(entry, { outcome, stateHash: node.stateHash(), commandKey: key, witness });
    if (key === null || !this.machine.isFirstApplication(outcome)) return;
    const earlier = this.commandAppliedAt.get(key);
    check(earlier === undefined || earlier === entry.index, 'exactly-once',
      () => `${witness} applied ${this.machine.describeCommand(key)} at ${entry.index}, already applied at ${earlier}`);
    this.commandAppliedAt.set(key, entry.index);
  }

  /** Status-based checks, after every event that touched `node`. */
  observed(node: CheckedNode, previous: Observation<ObservedStatus> | undefined, current: ObservedStatus): void {
    const sameProcess = previous !== undefined && previous.incarnation === node.incarnation;
    if (sameProcess) {
      check(current.commitIndex >= previous.status.commitIndex, 'commit-regression',
        () => `${this.witness(node)} commit index fell from ${previous.status.commitIndex} to ${current.commitIndex}`);
      check(current.term >= previous.status.term, 'term-regression',
        () => `${this.witness(node)} term fell from ${previous.status.term} to ${current.term}`);
    }
    if (current.role !== 'leader') return;
    this.checkElectionSafety(node.id, current.term);
    const continuingLeader = sameProcess && previous.status.role === 'leader' && previous.status.term === current.term;
    if (!continuingLeader) this.checkLeaderCompleteness(node, current);
    else if (this.protocolRules && current.commitIndex > previous.status.commitIndex) this.checkCommitRule(node, current);
  }

  /** Election Safety (§5.2): at most one leader per term, ever. */
  private checkElectionSafety(nodeId: NodeId, term: number): void {
    const known = this.leaderByTerm.get(term);
    if (known === undefined) {
      this.leaderByTerm.set(term, nodeId);
      return;
    }
    check(known === nodeId, 'election-safety', () => `two leaders in term ${term}: ${known} and ${nodeId}`);
  }

  /**
   * Leader Completeness (§5.4, Figure 3): "if a log entry is committed in a given term, then that entry will
   * be present in the logs of the leaders for all higher-numbered terms". So a leader of term T must hold
   * every entry committed in a term before T, and nothing is asked of it about entries committed in T or
   * later: a candidate frozen with votes of an old term may wake and win that term after the others moved on
   * and committed more (seed 1714). It leads a term every newer node refuses, so it can commit nothing.
   */
  private checkLeaderCompleteness(node: CheckedNode, status: ObservedStatus): void {
    const storage = node.storage;
    const requiredMax = this.history.committedIndexMaxBeforeTerm(status.term);
    check(storage.lastIndex >= requiredMax, 'leader-completeness',
      () => `${this.witness(node)} became leader of term ${status.term} with last index ${storage.lastIndex}, below index ${requiredMax}, committed in term ${this.history.committedAt(requiredMax)?.committedInTerm}`);
    const snapshotIndex = storage.snapshot.index;
    const atSnapshot = this.history.committedAt(snapshotIndex);
    check(snapshotIndex === 0 || atSnapshot === undefined || atSnapshot.term === storage.snapshot.term, 'leader-completeness',
      () => `${this.witness(node)} became leader with snapshot ${snapshotIndex}/${storage.snapshot.term}, but ${snapshotIndex}/${atSnapshot?.term} was committed`);
    for (let index = snapshotIndex + 1; index <= requiredMax; index++) {
      const committed = this.history.committedAt(index);
      if (committed === undefined || committed.committedInTerm >= status.term) continue;
      const stored = storage.entryAt(index);
      check(stored !== undefined && stored.term === committed.term, 'leader-completeness',
        () => `${this.witness(node)} became leader of term ${status.term} without entry ${index}/${committed.term}, committed in term ${committed.committedInTerm} (has ${stored === undefined ? 'nothing' : `term ${stored.term}`})`);
      this.history.checkAgainstCommitted(stored, this.witness(node));
    }
  }

  /** §5.4.2 (Figure 8): a leader only advances its commit index to an entry of its own term. */
  private checkCommitRule(node: CheckedNode, status: ObservedStatus): void {
    const term = node.storage.termAt(status.commitIndex);
    check(term === status.term, 'commit-rule',
      () => `${this.witness(node)} leader of term ${status.term} advanced its commit index to ${status.commitIndex}, an entry of term ${term ?? 'unknown'}`);
  }

  private checkHardState(node: CheckedNode, previous: HardState, witness: string): void {
    const stored = node.storage.hardState;
    check(stored.term >= previous.term, 'durable-term-regression',
      () => `${witness} persisted term ${stored.term} after term ${previous.term}`);
    check(!this.protocolRules || stored.term > previous.term || previous.votedFor === null || stored.votedFor === previous.votedFor, 'double-vote',
      () => `${witness} persisted vote ${stored.votedFor ?? 'none'} in term ${stored.term} after voting ${previous.votedFor}`);
    check(stored.commitIndex >= previous.commitIndex, 'commit-regression',
      () => `${witness} persisted commit index ${stored.commitIndex} after ${previous.commitIndex}`);
    check(stored.commitIndex <= node.storage.lastIndex, 'ready-contract',
      () => `${witness} persisted commit index ${stored.commitIndex} beyond its stored last index ${node.storage.lastIndex}`);
    const from = Math.max(previous.commitIndex, node.storage.snapshot.index) + 1;
    for (let index = from; index <= stored.commitIndex; index++) this.history.recordCommitted(node.storage.entryAt(index)!, witness, stored.term);
  }

  private checkSnapshotTerm(snapshot: Snapshot, witness: string): void {
    const committed = this.history.committedAt(snapshot.index);
    check(snapshot.index === 0 || committed === undefined || committed.term === snapshot.term, 'committed-entry-changed',
      () => `${witness} holds snapshot ${snapshot.index}/${snapshot.term}, but ${snapshot.index}/${committed?.term} was committed`);
  }

  private checkVoteDurable(durable: HardState, term: number, candidate: NodeId, where: () => string): void {
    check(durable.term > term || (durable.term === term && durable.votedFor === candidate), 'persist-before-send',
      () => `${where()}: the vote for ${candidate} in term ${term} is not durable`);
  }

  /** One vote per voter per term, across crashes (a forgotten vote lets two candidates win one term). */
  private checkGrantedVote(durable: HardState, message: Message & { readonly type: 'voteResponse' }, where: () => string): void {
    this.checkVoteDurable(durable, message.term, message.to, where);
    const key = `${message.from}@${message.term}`;
    const earlier = this.grantedVotes.get(key);
    check(earlier === undefined || earlier === message.to, 'double-vote',
      () => `${message.from} granted its term ${message.term} vote to ${earlier} and then to ${message.to}`);
    this.grantedVotes.set(key, message.to);
  }

  private witness(node: CheckedNode): string {
    return `${node.id}#${node.incarnation}@${this.queue.nowMs}ms`;
  }
}
