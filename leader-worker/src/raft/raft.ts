// The Raft consensus core, modeled on etcd-io/raft. A pure state machine: the caller feeds it ticks,
// messages and requests, then collects a Ready (what to persist, send and apply) and calls advance().
// No I/O, no clock, no randomness but the injected RandomSource. References are to the Raft paper
// (Ongaro & Ousterhout 2014, "§5.x") and Ongaro's thesis ("thesis §x").
import { assert } from '../invariants/assert.js';
import {
  applyMembershipChange, isMember, isVoter, members, membershipChangeRefusal, quorumSize,
} from './membership.js';
import { isWellFormed } from './message-shape.js';
import { Progress } from './progress.js';
import { entryBytes, RaftLog } from './raft-log.js';
import { ReadIndexQueue } from './read-index-queue.js';
import type {
  Entry, EntryPayload, HardState, Membership, MembershipChange, Message, NodeId, PersistedState, ProposeResult,
  RaftLimits, RaftOptions, RandomSource, ReadState, Ready, RequestResult, Role, Snapshot, SoftState,
} from './types.js';

export const defaultRaftLimits: RaftLimits = {
  inflightMessagesMax: 256,
  messageBytesMax: 1 << 20,
  entryBytesMax: 1 << 20,
  uncommittedBytesMax: 16 << 20,
  committedBytesPerReadyMax: 4 << 20,
  pendingReadsMax: 1024,
};

export interface RaftStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly leaderId: NodeId | null;
  readonly votedFor: NodeId | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly membership: Membership;
  /** A membership change is in the log and not committed: the next one is refused until it is. */
  readonly membershipChangePending: boolean;
  /** On a leader, the highest index known to be in each other member's log; empty otherwise. */
  readonly peerMatchIndexes: readonly { readonly nodeId: NodeId; readonly matchIndex: number }[];
  /** Messages dropped because they were addressed elsewhere, came from ourselves, or made no sense. */
  readonly droppedMessages: number;
}

/**
 * The durable state of a brand-new cluster whose founding members are `membership`, or, with an empty
 * membership, of a device about to join one. As in etcd, the founders write their membership into the log
 * as committed entries of term 1 (one step per member, in a fixed order so every founder writes the same
 * log): a joining device then learns who votes from the log like any other entry.
 */
export function bootstrapState(membership: Membership): PersistedState {
  const changes: MembershipChange[] = [
    ...[...membership.voters].sort().map((nodeId): MembershipChange => ({ type: 'addVoter', nodeId })),
    ...[...membership.learners].sort().map((nodeId): MembershipChange => ({ type: 'addLearner', nodeId })),
  ];
  const entries = changes.map((change, offset): Entry => ({ type: 'membership', change, index: offset + 1, term: 1 }));
  const founded = entries.length > 0;
  return {
    hardState: { term: founded ? 1 : 0, votedFor: null, commitIndex: entries.length },
    snapshot: { index: 0, term: 0, membership: { voters: [], learners: [] }, data: new Uint8Array(0) },
    entries,
    appliedIndex: 0,
  };
}

type CampaignKind = 'preVote' | 'election' | 'transfer';
type PollOutcome = 'won' | 'lost' | 'pending';

/** What the last Ready handed out, so advance() knows what became durable and applied. */
interface ReadyInFlight {
  readonly lastEntry: { readonly index: number; readonly term: number } | null;
  readonly snapshot: Snapshot | null;
  readonly hardState: HardState | null;
  readonly softState: SoftState | null;
  readonly appliedTo: number;
}

export class Raft {
  readonly id: NodeId;
  private readonly electionTimeoutTicks: number;
  private readonly heartbeatIntervalTicks: number;
  private readonly random: RandomSource;
  /** The wall clock leaders stamp entries with (Entry.leaderTimeMs); null: entries carry no time. */
  private readonly clock: (() => number) | null;
  private readonly limits: RaftLimits;

  // Invariant: term never decreases; votedFor is set at most once per term.
  private term: number;
  private votedFor: NodeId | null;
  private role: Role = 'follower';
  /** Invariant: null on a candidate or pre-candidate (every role change resets it); ourselves on a leader. */
  private leaderId: NodeId | null = null;
  private readonly log: RaftLog;

  /** The latest membership in the log, committed or not: it takes effect when appended (thesis §4.1). */
  private membership: Membership;
  /** The index of the entry that set `membership`, or the snapshot index. */
  private membershipIndex: number;

  private electionElapsedTicks = 0;
  private heartbeatElapsedTicks = 0;
  /** In [electionTimeoutTicks, 2 * electionTimeoutTicks), redrawn on every role change (§5.2). */
  private randomizedElectionTimeoutTicks = 0;

  // Candidate and pre-candidate state.
  private readonly votes = new Map<NodeId, boolean>();

  // Leader state.
  private readonly progress = new Map<NodeId, Progress>();
  private transferTarget: NodeId | null = null;
  /** Bytes this leader appended that are not yet committed: bounded by limits.uncommittedBytesMax. */
  private uncommittedBytes = 0;
  /** The index of this leader's first entry (its empty entry): uncommittedBytes counts from here. */
  private leaderFirstIndex = 0;
  private readonly readIndexQueue = new ReadIndexQueue();
  /** Reads that arrived before this leader committed an entry of its term: their index is not yet known to be safe. */
  private readsAwaitingTermCommit: { readonly readContext: string; readonly requester: NodeId }[] = [];

  // Output, collected by ready().
  private messages: Message[] = [];
  private readStates: ReadState[] = [];
  private lastSoftState: SoftState;
  private lastHardState: HardState;
  private readyInFlight: ReadyInFlight | null = null;
  private droppedMessages = 0;

  constructor(options: RaftOptions, persisted: PersistedState) {
    assert(options.id.length > 0, 'a node id is never empty');
    assert(options.heartbeatIntervalTicks > 0, 'heartbeat interval must be positive');
    assert(options.electionTimeoutTicks > options.heartbeatIntervalTicks, 'election timeout must exceed the heartbeat interval');
    this.id = options.id;
    this.electionTimeoutTicks = options.electionTimeoutTicks;
    this.heartbeatIntervalTicks = options.heartbeatIntervalTicks;
    this.random = options.random;
    this.clock = options.clock ?? null;
    this.limits = { ...defaultRaftLimits, ...options.limits };

    const { hardState, snapshot } = persisted;
    this.log = new RaftLog(snapshot, persisted.entries, hardState.commitIndex, persisted.appliedIndex);
    this.term = hardState.term;
    this.votedFor = hardState.votedFor;
    this.membership = snapshot.membership;
    this.membershipIndex = snapshot.index;
    this.refreshMembership();
    this.lastHardState = this.hardState();
    this.becomeFollower(this.term, null);
    this.lastSoftState = this.softState();
  }

  // ---------------------------------------------------------------------------------------------------
  // Inputs

  /** Advances logical time by one tick. The driver calls it at a fixed interval. */
  tick(): void {
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  /**
   * Feeds one message from another node. Anything addressed elsewhere, from ourselves, or not consistent with
   * itself (see message-shape.ts) is dropped before it can change anything, the term included.
   */
  step(message: Message): void {
    if (message.to !== this.id || message.from === this.id || !(message.term >= 0) || !isWellFormed(message)) {
      this.droppedMessages++;
      return;
    }
    switch (message.type) {
      // Forwarded requests and their answers are not part of any term's protocol: a follower may forward
      // to a leader of a newer term, and the read index it learns is valid whichever term it came from.
      case 'propose':
        return this.handleForwardedProposal(message);
      case 'readIndex':
        this.handleReadIndexRequest(message.readContext, message.from);
        return;
      case 'readIndexResponse':
        this.readStates.push({ readContext: message.readContext, index: message.index });
        return;
    }
    if (message.term > this.term) {
      if (!this.acceptHigherTerm(message)) return;
    } else if (message.term < this.term) {
      this.answerStaleTerm(message);
      return;
    }
    switch (message.type) {
      case 'preVote':
      case 'vote':
        return this.handleVoteRequest(message);
    }
    switch (this.role) {
      case 'leader':
        return this.stepLeader(message);
      case 'candidate':
      case 'preCandidate':
        return this.stepCandidate(message);
      case 'follower':
        return this.stepFollower(message);
    }
  }

  /** Proposes commands. On a follower they are forwarded to the leader, with no guarantee: retry if unseen. */
  propose(commands: readonly Uint8Array[]): ProposeResult {
    const payloads = commands.map((data): EntryPayload => ({ type: 'command', data }));
    return this.proposePayloads(payloads);
  }

  /**
   * Proposes one membership change (thesis §4.1). Only the leader may, only after it has committed an entry
   * of its own term (the fix for the single-server-change bug), and only one change may be uncommitted.
   */
  proposeMembershipChange(change: MembershipChange): ProposeResult {
    if (this.role !== 'leader') return { type: 'refused', reason: 'notLeader' };
    if (this.transferTarget !== null) return { type: 'refused', reason: 'transferInProgress' };
    if (this.log.term(this.log.commitIndex) !== this.term) return { type: 'refused', reason: 'leaderNotCommittedInTerm' };
    if (this.membershipIndex > this.log.commitIndex) return { type: 'refused', reason: 'membershipChangePending' };
    if (change.type === 'removeNode' && change.nodeId === this.id) return { type: 'refused', reason: 'cannotRemoveLeader' };
    const refusal = membershipChangeRefusal(this.membership, change);
    if (refusal !== null) return { type: 'refused', reason: refusal };
    return this.appendAsLeader([{ type: 'membership', change }]);
  }

  /** Hands leadership to `target` (thesis §3.10): to a device on mains power, away from a low battery. */
  transferLeadership(target: NodeId): RequestResult {
    if (this.role !== 'leader') return { type: 'refused', reason: 'notLeader' };
    if (target === this.id) return { type: 'accepted' };
    if (!isVoter(this.membership, target)) return { type: 'refused', reason: 'unknownNode' };
    if (this.transferTarget === target) return { type: 'accepted' };
    this.transferTarget = target;
    // The transfer must finish within one election timeout, or it is abandoned (see tickLeader).
    this.electionElapsedTicks = 0;
    const progress = this.progress.get(target)!;
    if (progress.match === this.log.lastIndex()) this.send({ type: 'timeoutNow', to: target });
    else this.sendAppend(target, true);
    return { type: 'accepted' };
  }

  /**
   * Asks for a linearizable read point. When it is confirmed, a ReadState with `readContext` appears in a
   * Ready; the read may be served once the local state machine has applied its index.
   */
  readIndex(readContext: string): RequestResult {
    if (this.role === 'leader') return this.handleReadIndexRequest(readContext, this.id);
    // Past the leader case, only a follower knows a leader (see leaderId).
    if (this.leaderId !== null) {
      this.send({ type: 'readIndex', to: this.leaderId, readContext });
      return { type: 'forwarded', leaderId: this.leaderId };
    }
    return { type: 'refused', reason: 'noLeader' };
  }

  /**
   * Compacts the log up to `index` (at most the applied index) into a snapshot holding `data`, the state
   * machine's bytes at that index. The caller persists the returned snapshot and may drop stored entries up
   * to `index`. How far to compact is the caller's decision (central's acknowledged index bounds it).
   */
  compact(index: number, data: Uint8Array): Snapshot {
    const membershipEntry = this.log.lastMembershipEntryAtOrBelow(index);
    const membership = membershipEntry?.type === 'membership'
      ? this.membershipAfter(membershipEntry.index, membershipEntry.change)
      : this.log.snapshot.membership;
    return this.log.compact(index, data, membership);
  }

  /**
   * Committed entries from `fromIndex`, at most `countMax`, for a reader outside Raft (the uplink to central);
   * null when `fromIndex` lies in the compacted prefix. Reads what this node holds; it changes nothing.
   */
  committedEntries(fromIndex: number, countMax: number): readonly Entry[] | null {
    assert(Number.isSafeInteger(fromIndex) && fromIndex >= 1 && countMax >= 1, 'a range of committed entries starts at 1 and holds one at least');
    if (fromIndex < this.log.firstIndex()) return null;
    const to = Math.min(this.log.commitIndex, fromIndex + countMax - 1);
    return to < fromIndex ? [] : this.log.slice(fromIndex, to, Number.POSITIVE_INFINITY);
  }

  status(): RaftStatus {
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      leaderId: this.leaderId,
      votedFor: this.votedFor,
      commitIndex: this.log.commitIndex,
      appliedIndex: this.log.appliedIndex,
      firstIndex: this.log.firstIndex(),
      lastIndex: this.log.lastIndex(),
      membership: this.membership,
      membershipChangePending: this.membershipIndex > this.log.commitIndex,
      peerMatchIndexes: this.role !== 'leader' ? [] : [...this.progress].filter(([nodeId]) => nodeId !== this.id).map(([nodeId, progress]) => ({ nodeId, matchIndex: progress.match })),
      droppedMessages: this.droppedMessages,
    };
  }

  // ---------------------------------------------------------------------------------------------------
  // Output

  hasReady(): boolean {
    return (
      this.messages.length > 0 ||
      this.readStates.length > 0 ||
      this.log.hasUnstableEntries() ||
      // A pending snapshot always comes with a new commit index, so the hard state differs too; it is listed so
      // that hasReady names every part of a Ready.
      // Stryker disable next-line ConditionalExpression: equivalent, see the line above
      this.log.pendingSnapshot() !== null ||
      this.log.hasUnappliedCommitted() ||
      !sameHardState(this.hardState(), this.lastHardState) ||
      !sameSoftState(this.softState(), this.lastSoftState)
    );
  }

  /** Collects the work for the caller. See `Ready` for the order it must be handled in. */
  ready(): Ready {
    assert(this.readyInFlight === null, 'ready() called again before advance()');
    const entries = this.log.unstableEntries();
    const snapshot = this.log.pendingSnapshot();
    const hardState = this.hardState();
    const softState = this.softState();
    const committedEntries = this.log.committedToApply(this.limits.committedBytesPerReadyMax);
    const lastEntry = entries.length > 0 ? entries[entries.length - 1]! : null;
    const ready: Ready = {
      softState: sameSoftState(softState, this.lastSoftState) ? null : softState,
      hardState: sameHardState(hardState, this.lastHardState) ? null : hardState,
      snapshot,
      entries,
      messages: this.messages,
      committedEntries,
      readStates: this.readStates,
    };
    this.messages = [];
    this.readStates = [];
    this.readyInFlight = {
      lastEntry: lastEntry === null ? null : { index: lastEntry.index, term: lastEntry.term },
      snapshot,
      hardState: ready.hardState,
      softState: ready.softState,
      appliedTo: committedEntries.length > 0 ? committedEntries[committedEntries.length - 1]!.index : 0,
    };
    return ready;
  }

  /** The caller has persisted, sent and applied the last Ready. */
  advance(): void {
    const done = this.readyInFlight;
    assert(done !== null, 'advance() called without a Ready');
    this.readyInFlight = null;
    if (done.hardState !== null) this.lastHardState = done.hardState;
    if (done.softState !== null) this.lastSoftState = done.softState;
    if (done.snapshot !== null) {
      this.log.snapshotPersisted(done.snapshot);
      this.log.appliedSnapshot(done.snapshot);
    }
    if (done.lastEntry !== null) this.log.stableTo(done.lastEntry.index, done.lastEntry.term);
    // appliedTo ignores an index it has passed, such as 0 for a Ready that applied nothing.
    this.log.appliedTo(done.appliedTo);
  }

  // ---------------------------------------------------------------------------------------------------
  // Terms and votes

  /** Decides what a message from a newer term does to us. Returns false when the message is to be ignored. */
  private acceptHigherTerm(message: Message): boolean {
    if (message.type === 'preVote' || message.type === 'vote') {
      // CheckQuorum's leader lease (thesis §4.2.3): while we hear from a leader, a node that merely woke up
      // (a tablet out of sleep) cannot start a new term. A leadership transfer is the one exception.
      const transfer = message.type === 'vote' && message.transfer;
      const inLease = this.leaderId !== null && this.electionElapsedTicks < this.electionTimeoutTicks;
      if (inLease && !transfer) return false;
    }
    // A pre-vote, or a granted pre-vote answer, is about a term nobody has entered yet: keep ours.
    if (message.type === 'preVote') return true;
    if (message.type === 'preVoteResponse' && message.granted) return true;
    // If this is one of the new leader's messages, stepFollower records it as our leader.
    this.becomeFollower(message.term, null);
    return true;
  }

  private answerStaleTerm(message: Message): void {
    if (message.type === 'append' || message.type === 'heartbeat' || message.type === 'installSnapshot') {
      // A deposed leader (perhaps one that was partitioned, or a tab that slept) learns our term from this
      // answer and steps down; with PreVote it could otherwise never learn it.
      this.send({ type: 'appendResponse', to: message.from, index: 0, rejected: true, hintIndex: 0, hintTerm: 0 });
    } else if (message.type === 'preVote') {
      this.send({ type: 'preVoteResponse', to: message.from, granted: false });
    }
  }

  private handleVoteRequest(message: Extract<Message, { type: 'preVote' | 'vote' }>): void {
    const isPreVote = message.type === 'preVote';
    const canVote =
      this.votedFor === message.from ||
      (this.votedFor === null && this.leaderId === null) ||
      (isPreVote && message.term > this.term);
    const granted = canVote && this.log.isUpToDate(message.lastLogIndex, message.lastLogTerm);
    const responseType = isPreVote ? 'preVoteResponse' : 'voteResponse';
    if (!granted) {
      this.send({ type: responseType, to: message.from, granted: false });
      return;
    }
    if (!isPreVote) {
      // Stryker disable next-line ConditionalExpression: unreachable invariant (canVote grants only with no vote or the same candidate)
      assert(this.votedFor === null || this.votedFor === message.from, `term ${this.term}: a second vote`);
      this.votedFor = message.from;
      this.electionElapsedTicks = 0;
    }
    // A granted pre-vote answers in the term the candidate would enter, so it counts for that campaign.
    this.messages.push({ type: responseType, from: this.id, to: message.from, term: message.term, granted: true });
  }

  private campaign(kind: CampaignKind): void {
    if (!this.isPromotable()) return;
    if (kind === 'preVote') this.becomePreCandidate();
    else this.becomeCandidate();
    const campaignTerm = kind === 'preVote' ? this.term + 1 : this.term;
    if (this.poll(this.id, true) === 'won') {
      if (kind === 'preVote') this.campaign('election');
      else this.becomeLeader();
      return;
    }
    for (const voter of this.membership.voters) {
      if (voter === this.id) continue;
      const request = { from: this.id, to: voter, term: campaignTerm, lastLogIndex: this.log.lastIndex(), lastLogTerm: this.log.lastTerm() };
      this.messages.push(kind === 'preVote' ? { ...request, type: 'preVote' } : { ...request, type: 'vote', transfer: kind === 'transfer' });
    }
  }

  private poll(from: NodeId, granted: boolean): PollOutcome {
    if (!this.votes.has(from)) this.votes.set(from, granted);
    let grants = 0;
    let rejections = 0;
    for (const voter of this.membership.voters) {
      const vote = this.votes.get(voter);
      if (vote === true) grants++;
      else if (vote === false) rejections++;
    }
    const quorum = quorumSize(this.membership);
    if (grants >= quorum) return 'won';
    if (rejections > this.membership.voters.length - quorum) return 'lost';
    return 'pending';
  }

  private isPromotable(): boolean {
    return isVoter(this.membership, this.id);
  }

  // ---------------------------------------------------------------------------------------------------
  // Roles

  private reset(term: number): void {
    // Stryker disable next-line ConditionalExpression: unreachable invariant (callers pass our term, a newer message's term, or ours + 1)
    assert(term >= this.term, `term went back from ${this.term} to ${term}`);
    if (term !== this.term) {
      this.term = term;
      this.votedFor = null;
    }
    this.leaderId = null;
    this.electionElapsedTicks = 0;
    this.heartbeatElapsedTicks = 0;
    this.randomizedElectionTimeoutTicks = this.electionTimeoutTicks + this.random.nextInt(this.electionTimeoutTicks);
    this.votes.clear();
    this.progress.clear();
    this.transferTarget = null;
    this.uncommittedBytes = 0;
    this.readIndexQueue.clear();
    this.readsAwaitingTermCommit = [];
  }

  private becomeFollower(term: number, leaderId: NodeId | null): void {
    this.reset(term);
    this.role = 'follower';
    this.leaderId = leaderId;
  }

  private becomePreCandidate(): void {
    // Stryker disable next-line ConditionalExpression: unreachable invariant (only a follower's tick starts a pre-vote)
    assert(this.role !== 'leader', 'a leader never becomes a pre-candidate');
    // PreVote (thesis §9.6): ask whether we could win before disturbing anyone with a new term.
    this.reset(this.term);
    this.role = 'preCandidate';
  }

  private becomeCandidate(): void {
    // Stryker disable next-line ConditionalExpression: unreachable invariant (only a follower or a pre-candidate campaigns)
    assert(this.role !== 'leader', 'a leader never becomes a candidate');
    this.reset(this.term + 1);
    this.role = 'candidate';
    this.votedFor = this.id;
  }

  private becomeLeader(): void {
    // Stryker disable next-line ConditionalExpression: unreachable invariant (only a candidate's winning poll calls it)
    assert(this.role === 'candidate', `only a candidate becomes leader (was ${this.role})`);
    this.reset(this.term);
    this.role = 'leader';
    this.leaderId = this.id;
    for (const member of members(this.membership)) this.addProgress(member);
    this.progress.get(this.id)!.becomeReplicate();
    // Entries inherited from earlier terms do not count against the budget (as in etcd): counting them could
    // refuse the new leader's own empty entry and leave the cluster without a leader that can commit.
    this.leaderFirstIndex = this.log.lastIndex() + 1;
    // §5.4.2 and §8: a leader commits entries of earlier terms only by committing one of its own, so it
    // appends an empty entry at once (it also unblocks membership changes and reads).
    const result = this.appendAsLeader([{ type: 'noop' }]);
    // Stryker disable next-line ConditionalExpression: unreachable invariant (a fresh leader has no uncommitted bytes and no transfer)
    assert(result.type === 'appended', 'a new leader always appends its empty entry');
  }

  /** A member we know nothing of yet. Our own entry learns our match from the empty entry becomeLeader appends. */
  private addProgress(member: NodeId): void {
    this.progress.set(member, new Progress(this.log.lastIndex() + 1, this.limits.inflightMessagesMax));
  }

  private tickElection(): void {
    this.electionElapsedTicks++;
    if (this.isPromotable() && this.electionElapsedTicks >= this.randomizedElectionTimeoutTicks) {
      this.electionElapsedTicks = 0;
      this.campaign('preVote');
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsedTicks++;
    this.electionElapsedTicks++;
    if (this.electionElapsedTicks >= this.electionTimeoutTicks) {
      this.electionElapsedTicks = 0;
      // CheckQuorum (thesis §6.2): a leader cut off from its majority steps down, so clients on its side of
      // the partition stop waiting on it and the device can join the majority's leader when the link heals.
      if (!this.quorumRecentlyActive()) {
        this.becomeFollower(this.term, null);
        return;
      }
      this.transferTarget = null;
    }
    for (const [member, progress] of this.progress) {
      if (progress.state !== 'snapshot') continue;
      progress.snapshotTicks++;
      // A lost snapshot must not stall the follower forever: after an election timeout, probe again.
      if (progress.snapshotTicks >= this.electionTimeoutTicks) {
        progress.becomeProbe();
        this.sendAppend(member, true);
      }
    }
    if (this.heartbeatElapsedTicks >= this.heartbeatIntervalTicks) {
      this.heartbeatElapsedTicks = 0;
      this.broadcastHeartbeat(null);
    }
  }

  private quorumRecentlyActive(): boolean {
    let active = 0;
    for (const [member, progress] of this.progress) {
      // We count ourselves; our own recentActive is never read.
      if (isVoter(this.membership, member) && (member === this.id || progress.recentActive)) active++;
      progress.recentActive = false;
    }
    return active >= quorumSize(this.membership);
  }

  // ---------------------------------------------------------------------------------------------------
  // Per-role message handling

  private stepLeader(message: Message): void {
    switch (message.type) {
      case 'appendResponse':
        return this.handleAppendResponse(message);
      case 'heartbeatResponse':
        return this.handleHeartbeatResponse(message);
    }
    // Anything else is ignored. Another leader in our own term would break Election Safety (§5.2). Peers can
    // lie or be buggy, so we do not crash on it; the simulator checks the property globally.
  }

  private stepCandidate(message: Message): void {
    switch (message.type) {
      case 'append':
      case 'heartbeat':
      case 'installSnapshot':
        // Someone won this term (§5.2): follow them.
        this.becomeFollower(message.term, message.from);
        return this.stepFollower(message);
      case 'preVoteResponse':
      case 'voteResponse': {
        const expected = this.role === 'preCandidate' ? 'preVoteResponse' : 'voteResponse';
        if (message.type !== expected) return;
        const outcome = this.poll(message.from, message.granted);
        if (outcome === 'won') {
          if (this.role === 'preCandidate') this.campaign('election');
          else this.becomeLeader();
        } else if (outcome === 'lost') {
          this.becomeFollower(this.term, null);
        }
        return;
      }
    }
    // Anything else means nothing to a candidate.
  }

  private stepFollower(message: Message): void {
    switch (message.type) {
      case 'append':
        this.heardFromLeader(message.from);
        return this.handleAppend(message);
      case 'heartbeat':
        this.heardFromLeader(message.from);
        return this.handleHeartbeat(message);
      case 'installSnapshot':
        this.heardFromLeader(message.from);
        return this.handleInstallSnapshot(message);
      case 'timeoutNow':
        // The leader hands over to us (thesis §3.10): campaign now, skipping PreVote and the lease.
        return this.campaign('transfer');
    }
    // Anything else (answers meant for a leader or a candidate) means nothing to a follower.
  }

  private heardFromLeader(leaderId: NodeId): void {
    this.electionElapsedTicks = 0;
    this.leaderId = leaderId;
  }

  // ---------------------------------------------------------------------------------------------------
  // Replication: follower side

  private handleAppend(message: Extract<Message, { type: 'append' }>): void {
    const commitIndex = this.log.commitIndex;
    if (message.prevLogIndex < commitIndex) {
      // Everything up to our commit index is already known to match (Log Matching, §5.3).
      this.send({ type: 'appendResponse', to: message.from, index: commitIndex, rejected: false, hintIndex: 0, hintTerm: 0 });
      return;
    }
    if (!this.log.matchTerm(message.prevLogIndex, message.prevLogTerm)) {
      const hintIndex = this.log.findConflictByTerm(message.prevLogIndex, message.prevLogTerm);
      const hintTerm = this.log.term(hintIndex) ?? 0;
      this.send({ type: 'appendResponse', to: message.from, index: message.prevLogIndex, rejected: true, hintIndex, hintTerm });
      return;
    }
    const firstWritten = this.log.append(message.entries);
    if (firstWritten !== null) this.membershipMayHaveChanged(firstWritten);
    // Figure 2 rule 5. step() let only an append whose entries run from prevLogIndex + 1 in order reach here,
    // so this is the last index the append proved, and nothing past it is acknowledged or committed.
    const lastNewIndex = message.prevLogIndex + message.entries.length;
    this.log.commitTo(Math.min(message.commitIndex, lastNewIndex));
    this.send({ type: 'appendResponse', to: message.from, index: lastNewIndex, rejected: false, hintIndex: 0, hintTerm: 0 });
  }

  private handleHeartbeat(message: Extract<Message, { type: 'heartbeat' }>): void {
    // The leader sends min(our match, its commit), so this never passes what we hold in agreement with it.
    this.log.commitTo(Math.min(message.commitIndex, this.log.lastIndex()));
    this.send({ type: 'heartbeatResponse', to: message.from, readContext: message.readContext });
  }

  private handleInstallSnapshot(message: Extract<Message, { type: 'installSnapshot' }>): void {
    const snapshot = message.snapshot;
    if (snapshot.index <= this.log.commitIndex) {
      this.send({ type: 'appendResponse', to: message.from, index: this.log.commitIndex, rejected: false, hintIndex: 0, hintTerm: 0 });
      return;
    }
    if (this.log.matchTerm(snapshot.index, snapshot.term)) {
      // We already hold that prefix (§7): only the commit index moves.
      this.log.commitTo(snapshot.index);
    } else {
      this.log.restore(snapshot);
      this.membership = snapshot.membership;
      this.membershipIndex = snapshot.index;
    }
    // Only the prefix up to the snapshot is known to match the leader: entries after it may be from an
    // older term, so the answer is the commit index (now the snapshot index), never our last index.
    this.send({ type: 'appendResponse', to: message.from, index: this.log.commitIndex, rejected: false, hintIndex: 0, hintTerm: 0 });
  }

  // ---------------------------------------------------------------------------------------------------
  // Replication: leader side

  private proposePayloads(payloads: readonly EntryPayload[]): ProposeResult {
    if (this.role === 'leader') return this.appendAsLeader(payloads);
    // Past the leader case, only a follower knows a leader (see leaderId).
    if (this.leaderId !== null) {
      this.send({ type: 'propose', to: this.leaderId, payloads });
      return { type: 'forwarded', leaderId: this.leaderId };
    }
    return { type: 'refused', reason: 'noLeader' };
  }

  private handleForwardedProposal(message: Extract<Message, { type: 'propose' }>): void {
    if (message.payloads.some((payload) => payload.type !== 'command')) {
      // Only the leader itself decides on empty entries and membership changes.
      this.droppedMessages++;
      return;
    }
    // A forwarded proposal has no reply: the proposer learns the outcome from what gets applied.
    const result = this.proposePayloads(message.payloads);
    if (result.type === 'refused') this.droppedMessages++;
  }

  private appendAsLeader(payloads: readonly EntryPayload[]): ProposeResult {
    // Stryker disable next-line ConditionalExpression: unreachable invariant (every caller checks the role first)
    assert(this.role === 'leader', 'only the leader appends new entries');
    if (this.transferTarget !== null) return { type: 'refused', reason: 'transferInProgress' };
    const firstIndex = this.log.lastIndex() + 1;
    const time = this.leaderTime();
    const entries = payloads.map((payload, offset): Entry => ({ ...payload, index: firstIndex + offset, term: this.term, ...time }));
    let bytes = 0;
    for (const entry of entries) {
      const size = entryBytes(entry);
      if (size > this.limits.entryBytesMax) return { type: 'refused', reason: 'entryTooLarge' };
      bytes += size;
    }
    // The bound keeps a leader with no quorum from growing its log without end; the first entries of an
    // empty pipeline always fit, so one oversize batch cannot wedge the leader.
    if (this.uncommittedBytes > 0 && this.uncommittedBytes + bytes > this.limits.uncommittedBytesMax) {
      return { type: 'refused', reason: 'uncommittedLimit' };
    }
    const written = this.log.append(entries);
    // Stryker disable next-line ConditionalExpression: unreachable invariant (a leader appends at lastIndex + 1, past anything to conflict with)
    assert(written === firstIndex, 'a leader only ever appends to its log (Leader Append-Only, §5.3)');
    this.uncommittedBytes += bytes;
    this.membershipMayHaveChanged(firstIndex);
    this.progress.get(this.id)!.maybeUpdate(this.log.lastIndex());
    // Also where a membership change just shrank the quorum: the smaller one may already hold more of the log.
    if (this.maybeCommit()) this.afterCommitAdvanced();
    this.broadcastAppend();
    return { type: 'appended', index: firstIndex, term: this.term };
  }

  /**
   * The time for entries appended now: the clock, but never before the last entry's (a new leader whose clock
   * is behind the last one's continues from it), so leader times follow log order. {} without a clock.
   */
  private leaderTime(): { leaderTimeMs?: number } {
    if (this.clock === null) return {};
    const previous = this.log.entry(this.log.lastIndex())?.leaderTimeMs ?? 0;
    return { leaderTimeMs: Math.max(this.clock(), previous) };
  }

  private handleAppendResponse(message: Extract<Message, { type: 'appendResponse' }>): void {
    const progress = this.progress.get(message.from);
    if (progress === undefined) return;
    if (!message.rejected && message.index > this.log.lastIndex()) {
      // An acknowledgement of entries this leader never sent (a buggy or confused peer). Counting it would let
      // the entries we append there later commit without that follower holding them.
      this.droppedMessages++;
      return;
    }
    progress.recentActive = true;
    if (message.rejected) {
      // Fast backtracking: skip every entry of the follower's conflicting term in one round trip.
      // A follower sends hintTerm 0 only with hintIndex 0 (an empty log), where both branches give 0.
      // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent for every correct follower, see above
      const hintIndex = message.hintTerm > 0 ? this.log.findConflictByTerm(message.hintIndex, message.hintTerm) : message.hintIndex;
      if (progress.maybeDecreaseTo(message.index, hintIndex)) {
        if (progress.state === 'replicate') progress.becomeProbe();
        // next is now at most the rejected prevLogIndex, so there is always an entry to send.
        // Stryker disable next-line BooleanLiteral: equivalent, see the line above
        this.sendAppend(message.from, true);
      }
      return;
    }
    const wasPaused = progress.isPaused();
    const grew = progress.maybeUpdate(message.index);
    if (!grew && !(progress.match === message.index && progress.state === 'probe')) return;
    if (progress.state === 'probe') {
      progress.becomeReplicate();
    } else if (progress.state === 'snapshot' && progress.match >= progress.pendingSnapshotIndex) {
      progress.becomeProbe();
      progress.becomeReplicate();
    }
    // Only replicate has messages in flight: the window is empty in the other states.
    progress.inflights.freeUpTo(message.index);
    if (this.maybeCommit()) {
      this.afterCommitAdvanced();
      this.broadcastAppend();
    } else if (wasPaused) {
      this.sendAppend(message.from, true);
    }
    // Pipelining: keep the follower's window full while there is something to send.
    while (this.sendAppend(message.from, false)) {
      // each call sends one message; the window bound (inflightMessagesMax) ends the loop
    }
    if (message.from === this.transferTarget && progress.match === this.log.lastIndex()) {
      this.send({ type: 'timeoutNow', to: message.from });
    }
  }

  private handleHeartbeatResponse(message: Extract<Message, { type: 'heartbeatResponse' }>): void {
    const progress = this.progress.get(message.from);
    if (progress === undefined) return;
    progress.recentActive = true;
    progress.probeSent = false;
    if (progress.match < this.log.lastIndex()) {
      // A full window whose acknowledgements were lost would never drain: an empty append outside the
      // window asks the follower where it is, and its answer frees the window (or turns us back to probe).
      // In replicate, a window that is not full has sent everything (next = lastIndex + 1): sendAppend then sends
      // the same empty append at next - 1 that the window probe sends.
      // Stryker disable next-line LogicalOperator: equivalent, see above
      if (progress.state === 'replicate' && progress.inflights.full()) this.sendWindowProbe(message.from, progress);
      else this.sendAppend(message.from, true);
    }
    if (message.readContext === null || !isVoter(this.membership, message.from)) return;
    const confirmations = this.readIndexQueue.acknowledge(message.readContext, message.from);
    if (confirmations < quorumSize(this.membership)) return;
    for (const read of this.readIndexQueue.releaseThrough(message.readContext)) this.answerRead(read.readContext, read.requester, read.index);
  }

  /** Sends the next append (or a snapshot) to `to` unless flow control holds it. Returns whether it sent. */
  private sendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const progress = this.progress.get(to);
    if (progress === undefined || progress.isPaused()) return false;
    const prevLogIndex = progress.next - 1;
    const prevLogTerm = this.log.term(prevLogIndex);
    if (prevLogTerm === undefined) return this.sendSnapshot(to, progress);
    const entries = this.log.slice(progress.next, this.log.lastIndex(), this.limits.messageBytesMax);
    if (entries.length === 0 && !sendIfEmpty) return false;
    this.send({ type: 'append', to, prevLogIndex, prevLogTerm, entries, commitIndex: this.log.commitIndex });
    progress.sentAppend(prevLogIndex + entries.length, entries.length);
    return true;
  }

  private sendWindowProbe(to: NodeId, progress: Progress): void {
    const prevLogIndex = progress.next - 1;
    const prevLogTerm = this.log.term(prevLogIndex);
    if (prevLogTerm === undefined) {
      // We compacted past what is in flight: only a snapshot can help this follower now.
      progress.becomeProbe();
      // next is now match + 1, below the messages that filled the window: there is an entry (or a snapshot) to send.
      // Stryker disable next-line BooleanLiteral: equivalent, see the line above
      this.sendAppend(to, true);
      return;
    }
    this.send({ type: 'append', to, prevLogIndex, prevLogTerm, entries: [], commitIndex: this.log.commitIndex });
  }

  private sendSnapshot(to: NodeId, progress: Progress): boolean {
    // Only to a follower we heard from lately: a snapshot is large, and a dead device cannot use it.
    if (!progress.recentActive) return false;
    const snapshot = this.log.snapshot;
    this.send({ type: 'installSnapshot', to, snapshot });
    progress.becomeSnapshot(snapshot.index);
    // The snapshot state pauses the follower, so a caller looping on the result stops at its next call anyway.
    // Stryker disable next-line BooleanLiteral: equivalent, see the line above
    return true;
  }

  private broadcastAppend(): void {
    for (const member of this.progress.keys()) if (member !== this.id) this.sendAppend(member, true);
  }

  private broadcastHeartbeat(readContext: string | null): void {
    for (const [member, progress] of this.progress) {
      if (member === this.id) continue;
      const commitIndex = Math.min(progress.match, this.log.commitIndex);
      this.send({ type: 'heartbeat', to: member, commitIndex, readContext });
    }
  }

  /** Advances the commit index to what a quorum of voters holds (§5.3), subject to the commit rule. */
  private maybeCommit(): boolean {
    const matches = this.membership.voters.map((voter) => this.progress.get(voter)?.match ?? 0).sort((a, b) => b - a);
    const quorumIndex = matches[quorumSize(this.membership) - 1] ?? 0;
    if (quorumIndex <= this.log.commitIndex || !this.commitRuleAllowsIndex(quorumIndex)) return false;
    const previous = this.log.commitIndex;
    this.log.commitTo(quorumIndex);
    this.uncommittedBytes -= this.log.bytesBetween(Math.max(previous, this.leaderFirstIndex - 1), quorumIndex);
    // Stryker disable next-line ConditionalExpression: unreachable invariant (bytes are counted once, from leaderFirstIndex, and released once)
    assert(this.uncommittedBytes >= 0, 'uncommitted bytes went negative');
    return true;
  }

  /**
   * §5.4.2 (Figure 8): a leader may count replicas only for an entry of its own term. An older entry
   * stored on a majority can still be overwritten by a future leader, so it commits only indirectly.
   */
  protected commitRuleAllowsIndex(index: number): boolean {
    return this.log.term(index) === this.term;
  }

  /** Reads that waited for this leader's first commit in its term go ahead; those still early wait again. */
  private afterCommitAdvanced(): void {
    const waiting = this.readsAwaitingTermCommit;
    this.readsAwaitingTermCommit = [];
    for (const read of waiting) this.handleReadIndexRequest(read.readContext, read.requester);
  }

  // ---------------------------------------------------------------------------------------------------
  // Linearizable reads

  private handleReadIndexRequest(readContext: string, requester: NodeId): RequestResult {
    if (this.role !== 'leader') {
      if (requester !== this.id) this.droppedMessages++;
      return { type: 'refused', reason: 'notLeader' };
    }
    if (this.readIndexQueue.size + this.readsAwaitingTermCommit.length >= this.limits.pendingReadsMax) {
      return { type: 'refused', reason: 'readLimit' };
    }
    // Until it commits an entry of its term, a new leader does not know its commit index is current (§8).
    if (this.log.term(this.log.commitIndex) !== this.term) {
      this.readsAwaitingTermCommit.push({ readContext, requester });
      return { type: 'accepted' };
    }
    if (this.membership.voters.length === 1) {
      this.answerRead(readContext, requester, this.log.commitIndex);
      return { type: 'accepted' };
    }
    if (this.readIndexQueue.has(readContext)) return { type: 'accepted' };
    this.readIndexQueue.add({ readContext, index: this.log.commitIndex, requester, acknowledgedBy: new Set([this.id]) });
    this.broadcastHeartbeat(readContext);
    return { type: 'accepted' };
  }

  private answerRead(readContext: string, requester: NodeId, index: number): void {
    if (requester === this.id) this.readStates.push({ readContext, index });
    else this.send({ type: 'readIndexResponse', to: requester, readContext, index });
  }

  // ---------------------------------------------------------------------------------------------------
  // Membership

  /** Called after entries from `firstWrittenIndex` on were written: a membership entry may have come or gone. */
  // The two tests below only save work: refreshMembership recomputes from the log, so calling it for every
  // write gives the same membership (it scans the log back to the snapshot, which is why they are here).
  private membershipMayHaveChanged(firstWrittenIndex: number): void {
    // Stryker disable next-line ConditionalExpression: equivalent, see above
    if (firstWrittenIndex <= this.membershipIndex) {
      // The entry that set our membership was overwritten: fall back to the latest one that remains.
      this.refreshMembership();
      return;
    }
    for (let index = firstWrittenIndex; index <= this.log.lastIndex(); index++) {
      // Stryker disable next-line ConditionalExpression: equivalent, see above
      if (this.log.entry(index)!.type === 'membership') {
        this.refreshMembership();
        return;
      }
    }
  }

  /** Recomputes the effective membership: the latest one in the log, else the snapshot's. */
  private refreshMembership(): void {
    const entry = this.log.lastMembershipEntryAtOrBelow(this.log.lastIndex());
    if (entry?.type === 'membership') {
      this.membership = this.membershipAfter(entry.index, entry.change);
      this.membershipIndex = entry.index;
    } else {
      this.membership = this.log.snapshot.membership;
      this.membershipIndex = this.log.snapshot.index;
    }
    // Only a leader tracks progress; on another role nothing reads it and the next reset() clears it.
    // Stryker disable next-line ConditionalExpression: equivalent, see the line above
    if (this.role === 'leader') this.syncProgressWithMembership();
  }

  /** The membership in effect once the change at `index` is applied to the one before it. */
  private membershipAfter(index: number, change: MembershipChange): Membership {
    const previous = this.log.lastMembershipEntryAtOrBelow(index - 1);
    const before = previous?.type === 'membership' ? this.membershipAfter(previous.index, previous.change) : this.log.snapshot.membership;
    return applyMembershipChange(before, change);
  }

  private syncProgressWithMembership(): void {
    for (const member of [...this.progress.keys()]) if (!isMember(this.membership, member)) this.progress.delete(member);
    for (const member of members(this.membership)) if (!this.progress.has(member)) this.addProgress(member);
  }

  // ---------------------------------------------------------------------------------------------------
  // Helpers

  private send(message: DistributiveOmit<Message, 'from' | 'term'>): void {
    this.messages.push({ ...message, from: this.id, term: this.term } as Message);
  }

  private hardState(): HardState {
    return { term: this.term, votedFor: this.votedFor, commitIndex: this.log.commitIndex };
  }

  private softState(): SoftState {
    return { leaderId: this.leaderId, role: this.role, term: this.term };
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.votedFor === b.votedFor && a.commitIndex === b.commitIndex;
}

function sameSoftState(a: SoftState, b: SoftState): boolean {
  return a.leaderId === b.leaderId && a.role === b.role && a.term === b.term;
}

