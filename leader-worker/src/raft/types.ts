// The vocabulary of the Raft core: log entries, persistent state, wire messages and the Ready batch.
// Everything here is plain data so it can be persisted, sent and compared without the core.

/** A device's stable identity in the clinic ("clinic-7/tablet-3"). Never the empty string. */
export type NodeId = string;

/** The role a node plays in its current term. PreCandidate is PreVote's trial election (thesis §9.6). */
export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** Who votes and who only listens. Learners receive the log but never count toward a quorum. */
export interface Membership {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

/** One step of a membership change (thesis §4.1: one server at a time is always safe). */
export type MembershipChange =
  | { readonly type: 'addLearner'; readonly nodeId: NodeId }
  | { readonly type: 'addVoter'; readonly nodeId: NodeId } // also promotes an existing learner
  | { readonly type: 'removeNode'; readonly nodeId: NodeId };

/** What a log entry carries. `noop` is the entry a new leader appends to commit its term (§5.4.2, §8). */
export type EntryPayload =
  | { readonly type: 'noop' }
  | { readonly type: 'command'; readonly data: Uint8Array }
  | { readonly type: 'membership'; readonly change: MembershipChange };

export type Entry = EntryPayload & {
  readonly index: number;
  readonly term: number;
  /**
   * The leader's clock when it appended the entry (ms since the epoch), never less than the entry before it:
   * a hybrid of the leader's wall clock and log order. Devices keep the clinical time they wrote; this is the
   * clinic's time, one clock for every device, for what must not depend on one tablet's wrong date (today's
   * queue). Absent when the core has no clock (RaftOptions.clock) and on entries written before it existed.
   */
  readonly leaderTimeMs?: number;
};

/** The state a node must persist before it sends any message that depends on it (Figure 2). */
export interface HardState {
  readonly term: number;
  /** The node voted for in `term`, or null. Forgetting it allows two votes in one term. */
  readonly votedFor: NodeId | null;
  readonly commitIndex: number;
}

/** A compacted prefix of the log: the state machine's bytes at `index`, and the membership then. */
export interface Snapshot {
  readonly index: number;
  readonly term: number;
  readonly membership: Membership;
  readonly data: Uint8Array;
}

/** What a node reads back from durable storage when it starts (or restarts after a crash). */
export interface PersistedState {
  readonly hardState: HardState;
  /** Index 0 with the initial membership bootstraps a new cluster; a joining device uses empty membership. */
  readonly snapshot: Snapshot;
  /** Entries after `snapshot.index`, contiguous. */
  readonly entries: readonly Entry[];
  /** How far the caller's state machine already is (at least `snapshot.index`); replay starts after it. */
  readonly appliedIndex: number;
}

interface MessageBase {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
}

/**
 * The wire protocol between nodes, one tagged union. Every message carries the sender's term, except
 * `propose` and `readIndex` which a follower forwards and which carry its term only for staleness checks.
 */
export type Message =
  | (MessageBase & { readonly type: 'preVote'; readonly lastLogIndex: number; readonly lastLogTerm: number })
  | (MessageBase & { readonly type: 'preVoteResponse'; readonly granted: boolean })
  | (MessageBase & {
      readonly type: 'vote';
      readonly lastLogIndex: number;
      readonly lastLogTerm: number;
      /** Set when the vote follows a leadership transfer: receivers ignore their leader lease (§3.10). */
      readonly transfer: boolean;
    })
  | (MessageBase & { readonly type: 'voteResponse'; readonly granted: boolean })
  | (MessageBase & {
      readonly type: 'append';
      readonly prevLogIndex: number;
      readonly prevLogTerm: number;
      readonly entries: readonly Entry[];
      readonly commitIndex: number;
    })
  | (MessageBase & {
      readonly type: 'appendResponse';
      /** Accepted: the highest index now known to match. Rejected: the `prevLogIndex` that did not match. */
      readonly index: number;
      readonly rejected: boolean;
      /** On rejection, where the leader should probe next, and the follower's term there (fast backtracking). */
      readonly hintIndex: number;
      readonly hintTerm: number;
    })
  | (MessageBase & { readonly type: 'heartbeat'; readonly commitIndex: number; readonly readContext: string | null })
  | (MessageBase & { readonly type: 'heartbeatResponse'; readonly readContext: string | null })
  | (MessageBase & { readonly type: 'installSnapshot'; readonly snapshot: Snapshot })
  | (MessageBase & { readonly type: 'propose'; readonly payloads: readonly EntryPayload[] })
  | (MessageBase & { readonly type: 'timeoutNow' })
  | (MessageBase & { readonly type: 'readIndex'; readonly readContext: string })
  | (MessageBase & { readonly type: 'readIndexResponse'; readonly readContext: string; readonly index: number });

export type MessageType = Message['type'];

/** A linearizable read is safe once the local state machine has applied `index` (thesis §6.4). */
export interface ReadState {
  readonly readContext: string;
  readonly index: number;
}

/** Volatile facts a UI or driver shows: who leads, and what this node is. */
export interface SoftState {
  readonly leaderId: NodeId | null;
  readonly role: Role;
  readonly term: number;
}

/**
 * One batch of work for the caller, who must handle it in this order:
 *   1. persist `hardState`, `snapshot` and `entries` durably (entries replace any stored at the same or a
 *      higher index) — nothing below may happen before this is durable;
 *   2. send `messages`;
 *   3. install `snapshot` in the state machine, then apply `committedEntries` in order;
 *   4. call `advance()`.
 */
export interface Ready {
  readonly softState: SoftState | null;
  readonly hardState: HardState | null;
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
}

/** Why the core would not take a request. Expected outcomes, returned as values, never thrown. */
export type RefusalReason =
  | 'noLeader' // nobody known to lead: retry after an election
  | 'notLeader' // the request must be made on the leader
  | 'transferInProgress' // leadership is moving: retry on the new leader
  | 'uncommittedLimit' // the leader holds too many bytes not yet committed: back off
  | 'readLimit' // too many linearizable reads wait for a quorum: back off
  | 'entryTooLarge' // one entry is over the byte limit: split it
  | 'membershipChangePending' // one membership change at a time (thesis §4.1)
  | 'leaderNotCommittedInTerm' // no membership change before the leader commits in its term (thesis §4.1 bug fix)
  | 'invalidMembershipChange' // adds a present voter, removes an absent node, or empties the voters
  | 'cannotRemoveLeader' // transfer leadership first, then remove the old leader
  | 'unknownNode'; // transfer target is not a voter

export type ProposeResult =
  | { readonly type: 'appended'; readonly index: number; readonly term: number }
  | { readonly type: 'forwarded'; readonly leaderId: NodeId }
  | { readonly type: 'refused'; readonly reason: RefusalReason };

export type RequestResult =
  | { readonly type: 'accepted' }
  | { readonly type: 'forwarded'; readonly leaderId: NodeId }
  | { readonly type: 'refused'; readonly reason: RefusalReason };

/** Randomness enters the core only through this. `nextInt(n)` returns an integer in [0, n). */
export interface RandomSource {
  nextInt(maxExclusive: number): number;
}

export interface RaftOptions {
  readonly id: NodeId;
  /** Followers wait this many ticks without a leader before an election; randomized to [t, 2t). */
  readonly electionTimeoutTicks: number;
  readonly heartbeatIntervalTicks: number;
  readonly random: RandomSource;
  /** Limits. Every queue in the core is bounded by one of these. */
  readonly limits?: Partial<RaftLimits>;
  /**
   * The device's wall clock, injected like the randomness: a leader stamps each entry it appends with it
   * (Entry.leaderTimeMs). Without it entries carry no time.
   */
  readonly clock?: () => number;
}

export interface RaftLimits {
  /** Append messages in flight to one follower before the leader waits for acknowledgements. */
  readonly inflightMessagesMax: number;
  /** Bytes of entries in one append message (at least one entry is always sent). */
  readonly messageBytesMax: number;
  /** Bytes of one proposed entry. */
  readonly entryBytesMax: number;
  /** Bytes the leader holds appended but not yet committed before it refuses proposals. */
  readonly uncommittedBytesMax: number;
  /** Bytes of committed entries handed to the caller in one Ready. */
  readonly committedBytesPerReadyMax: number;
  /** Read requests waiting for a quorum heartbeat round. */
  readonly pendingReadsMax: number;
}
