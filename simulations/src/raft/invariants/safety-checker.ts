// Raft's safety properties, checked as the drivers work and after every event: Election Safety, Log
// Matching, Leader Completeness, State Machine Safety (Figure 3), the commit rule of §5.4.2, and that
// nothing leaves a node before the state it promises is durable (Figure 2: "before responding to RPCs").
import type { RaftStatus } from '../../../../leader-worker/src/raft/raft.js';
import type { Entry, HardState, Message, NodeId, Ready, Snapshot } from '../../../../leader-worker/src/raft/types.js';
import type { EventQueue } from '../../engine/event-queue.js';
import { check } from '../../engine/violation.js';
import { commandKey, decodeCommand } from '../command-codec.js';
import type { SimulatedNode } from '../simulated-node.js';
import type { ApplyOutcome } from '../state-machine.js';
import { ClientSessionStateMachine } from '../state-machine.js';
import type { LogHistory } from './log-history.js';

/** A node's status as last seen after an event, tagged with the process incarnation that reported it. */
export interface Observation {
  readonly status: RaftStatus;
  readonly incarnation: number;
}

const emptyStateHash = new ClientSessionStateMachine().stateHash();

export class SafetyChecker {
  private readonly leaderByTerm = new Map<number, NodeId>();
  /** `${voter}@${term}` -> the candidate that voter granted its vote to. */
  private readonly grantedVotes = new Map<string, NodeId>();
  /** (clientId, seq) -> the one index where the state machine applied it. */
  private readonly commandAppliedAt = new Map<number, number>();

  /**
   * @param protocolRules also check the protocol's own rules (persist before send, one vote per term, the
   *   §5.4.2 commit rule), which catch a bug at its first step. Tests turn them off to prove that the
   *   end-to-end properties alone catch the damage such bugs do.
   */
  constructor(
    private readonly history: LogHistory,
    private readonly queue: EventQueue,
    private readonly protocolRules: boolean,
  ) {}

  /** The log index where (clientId, seq) was applied, if it was. */
  appliedIndexOf(clientId: number, seq: number): number | undefined {
    return this.commandAppliedAt.get(commandKey(clientId, seq));
  }

  persisted(node: SimulatedNode, ready: Ready, previousHardState: HardState): void {
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
  sending(node: SimulatedNode, message: Message): void {
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
  snapshotRestored(node: SimulatedNode, snapshot: Snapshot): void {
    const witness = this.witness(node);
    this.checkSnapshotTerm(snapshot, witness);
    const restoredHash = node.stateMachine().stateHash();
    const expectedHash = snapshot.index === 0 ? emptyStateHash : this.history.appliedAt(snapshot.index)?.stateHash;
    if (expectedHash === undefined) return;
    check(restoredHash === expectedHash, 'snapshot-state',
      () => `${witness} restored snapshot ${snapshot.index}/${snapshot.term} with state ${restoredHash}, but applying the log gave ${expectedHash}`);
  }

  applied(node: SimulatedNode, entry: Entry, outcome: ApplyOutcome): void {
    const witness = this.witness(node);
    this.history.recordCommitted(entry, witness);
    const command = entry.type === 'command' ? decodeCommand(entry.data) : null;
    const key = command === null ? null : commandKey(command.clientId, command.seq);
    this.history.recordApplied(entry, { outcome, stateHash: node.stateMachine().stateHash(), commandKey: key, witness });
    if (key === null || outcome !== 'applied') return;
    const earlier = this.commandAppliedAt.get(key);
    check(earlier === undefined || earlier === entry.index, 'exactly-once',
      () => `${witness} applied client ${command!.clientId} seq ${command!.seq} at ${entry.index}, already applied at ${earlier}`);
    this.commandAppliedAt.set(key, entry.index);
  }

  /** Status-based checks, after every event that touched `node`. */
  observed(node: SimulatedNode, previous: Observation | undefined, current: RaftStatus): void {
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

  /** Leader Completeness (§5.4): a new leader's log holds every entry committed so far. */
  private checkLeaderCompleteness(node: SimulatedNode, status: RaftStatus): void {
    const storage = node.storage;
    const committedMax = this.history.committedIndexMax;
    check(storage.lastIndex >= committedMax, 'leader-completeness',
      () => `${this.witness(node)} became leader of term ${status.term} with last index ${storage.lastIndex}, below committed index ${committedMax}`);
    const snapshotIndex = storage.snapshot.index;
    const atSnapshot = this.history.committedAt(snapshotIndex);
    check(snapshotIndex === 0 || atSnapshot === undefined || atSnapshot.term === storage.snapshot.term, 'leader-completeness',
      () => `${this.witness(node)} became leader with snapshot ${snapshotIndex}/${storage.snapshot.term}, but ${snapshotIndex}/${atSnapshot?.term} was committed`);
    for (let index = snapshotIndex + 1; index <= committedMax; index++) {
      const committed = this.history.committedAt(index);
      if (committed === undefined) continue;
      const stored = storage.entryAt(index);
      check(stored !== undefined && stored.term === committed.term, 'leader-completeness',
        () => `${this.witness(node)} became leader of term ${status.term} without committed entry ${index}/${committed.term} (has ${stored === undefined ? 'nothing' : `term ${stored.term}`})`);
      this.history.checkAgainstCommitted(stored, this.witness(node));
    }
  }

  /** §5.4.2 (Figure 8): a leader only advances its commit index to an entry of its own term. */
  private checkCommitRule(node: SimulatedNode, status: RaftStatus): void {
    const term = node.storage.termAt(status.commitIndex);
    check(term === status.term, 'commit-rule',
      () => `${this.witness(node)} leader of term ${status.term} advanced its commit index to ${status.commitIndex}, an entry of term ${term ?? 'unknown'}`);
  }

  private checkHardState(node: SimulatedNode, previous: HardState, witness: string): void {
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
    for (let index = from; index <= stored.commitIndex; index++) this.history.recordCommitted(node.storage.entryAt(index)!, witness);
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

  private witness(node: SimulatedNode): string {
    return `${node.id}#${node.incarnation}@${this.queue.nowMs}ms`;
  }
}
