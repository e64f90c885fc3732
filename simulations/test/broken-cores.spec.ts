// The judge must be able to fail. Each broken core (or driver) here carries one classic Raft bug; the
// simulator must report a violation within a bounded number of seeds. With the protocol-rule checks on, the
// bug is caught at its first step; with them off, the end-to-end properties must catch the damage it does.
import { Raft } from '../../leader-worker/src/raft/raft.js';
import type { MembershipChange, Message, PersistedState, ProposeResult, RaftOptions, Ready, RequestResult } from '../../leader-worker/src/raft/types.js';
import type { Violation } from '../src/engine/violation.js';
import type { DriverOrder, RaftFactory } from '../src/raft/core-factory.js';
import { findFaultProfile, type FaultProfile } from '../src/raft/fault-profiles.js';
import { runRaftSimulation } from '../src/raft/simulation.js';

/** Figure 8: counts replicas for an entry of an older term and commits it. */
class CommitsOldTermEntriesByCounting extends Raft {
  protected override commitRuleAllowsIndex(_index: number): boolean {
    return true;
  }
}

/** Hands out hard state with the vote dropped, as if votedFor were never written to disk. */
class ForgetsItsVote extends Raft {
  override ready(): Ready {
    const ready = super.ready();
    return ready.hardState === null ? ready : { ...ready, hardState: { ...ready.hardState, votedFor: null } };
  }
}

/** §5.4.1 left out: grants (pre)votes without comparing logs, as if every candidate were up to date. */
class VotesForAnyLog extends Raft {
  override step(message: Message): void {
    if (message.type !== 'vote' && message.type !== 'preVote') return super.step(message);
    super.step({ ...message, lastLogIndex: Number.MAX_SAFE_INTEGER, lastLogTerm: Number.MAX_SAFE_INTEGER });
  }
}

// The core has a hook for one rule only (commitRuleAllowsIndex). The next three reach its private members with
// bracket access instead. The core's declarations give private members no type, so nothing checks those names:
// if the core renames one, the mutant silently behaves like the real core, and its spec (which expects it to
// be caught) fails.

/**
 * Thesis §4.1 left out: proposes a membership change while another is uncommitted. It hides the pending
 * change from the guard: the index of the latest membership entry is lowered to the commit index for the
 * call. An appended change sets it again; a refused one gets the real index back.
 */
class ChangesMembershipWhilePending extends Raft {
  override proposeMembershipChange(change: MembershipChange): ProposeResult {
    const pendingAt = this['membershipIndex'];
    this['membershipIndex'] = Math.min(pendingAt, this.status().commitIndex);
    const result = super.proposeMembershipChange(change);
    if (result.type === 'refused') this['membershipIndex'] = pendingAt;
    return result;
  }
}

/**
 * Thesis §9.6 left out: a node whose election timer fires starts a real election at once, in a new term, with
 * no PreVote round. A tablet back from a partition then deposes a healthy leader with its higher term. The
 * instance's copy of the private campaign step is replaced.
 */
class CampaignsWithoutPreVote extends Raft {
  constructor(options: RaftOptions, persisted: PersistedState) {
    super(options, persisted);
    const campaign = (this['campaign'] as (kind: string) => void).bind(this);
    this['campaign'] = (kind: string) => campaign(kind === 'preVote' ? 'election' : kind);
  }
}

/** Thesis §6.2 left out: a leader always believes a quorum answered it lately, so a cut-off leader never steps down. */
class WithoutCheckQuorum extends Raft {
  constructor(options: RaftOptions, persisted: PersistedState) {
    super(options, persisted);
    this['quorumRecentlyActive'] = () => true;
  }
}

/**
 * Holds its appends back until its next tick, as a driver that flushes its sends once per tick would. Safe,
 * and an order of magnitude slower: a clinician's save waits for ticks instead of round trips.
 */
class HoldsAppendsUntilTick extends Raft {
  private held: Message[] = [];
  private flushDue = false;

  override tick(): void {
    super.tick();
    this.flushDue = this.held.length > 0;
  }

  override hasReady(): boolean {
    return this.flushDue || super.hasReady();
  }

  override ready(): Ready {
    const ready = super.ready();
    this.held.push(...ready.messages.filter((message) => message.type === 'append'));
    const messages: Message[] = ready.messages.filter((message) => message.type !== 'append');
    if (this.flushDue) messages.push(...this.held.splice(0));
    this.flushDue = false;
    return { ...ready, messages };
  }
}

/** Answers every read at once from its own commit index, without asking the leader (no §6.4 round). */
class ReadsLocally extends Raft {
  private unansweredReads: string[] = [];

  override readIndex(readContext: string): RequestResult {
    this.unansweredReads.push(readContext);
    return { type: 'accepted' };
  }

  override hasReady(): boolean {
    return this.unansweredReads.length > 0 || super.hasReady();
  }

  override ready(): Ready {
    const ready = super.ready();
    const index = this.status().commitIndex;
    const local = this.unansweredReads.map((readContext) => ({ readContext, index }));
    this.unansweredReads = [];
    return { ...ready, readStates: [...ready.readStates, ...local] };
  }
}

/** End-to-end properties: what clients and replicas would actually see go wrong. */
const damageInvariants = [
  'election-safety', 'log-matching', 'leader-completeness', 'committed-entry-changed', 'applied-entry-differs',
  'state-divergence', 'snapshot-state', 'read-linearizability', 'acknowledged-lost', 'exactly-once', 'commit-regression',
];

interface Search {
  readonly createRaft?: RaftFactory;
  readonly driverOrder?: DriverOrder;
  readonly faults: string;
  readonly nodes: number;
  readonly protocolRuleChecks: boolean;
  readonly seedsMax: number;
  readonly expected: readonly string[];
}

/** The first seed in 1..seedsMax whose violation is one of `expected`, or null. */
function firstCaught(search: Search): { seed: number; violation: Violation } | null {
  const profile: FaultProfile = findFaultProfile(search.faults)!;
  for (let seed = 1; seed <= search.seedsMax; seed++) {
    const result = runRaftSimulation({
      seed, nodeCount: search.nodes, profile, trace: false, createRaft: search.createRaft,
      driverOrder: search.driverOrder, protocolRuleChecks: search.protocolRuleChecks,
    });
    if (result.violation !== null && search.expected.includes(result.violation.invariant)) return { seed, violation: result.violation };
  }
  return null;
}

const figure8Core: RaftFactory = (options, persisted) => new CommitsOldTermEntriesByCounting(options, persisted);
const forgetfulCore: RaftFactory = (options, persisted) => new ForgetsItsVote(options, persisted);

describe('broken cores are caught', () => {
  it('catches the Figure 8 commit bug at its first step under heavy faults', () => {
    const caught = firstCaught({ createRaft: figure8Core, faults: 'heavy', nodes: 5, protocolRuleChecks: true, seedsMax: 5, expected: ['commit-rule'] });
    expect(caught).not.toBeNull();
  });

  it('catches the damage of the Figure 8 bug (a lost committed entry) under leader churn', () => {
    const caught = firstCaught({ createRaft: figure8Core, faults: 'leader-churn', nodes: 3, protocolRuleChecks: false, seedsMax: 40, expected: damageInvariants });
    expect(caught).not.toBeNull();
  });

  it('catches a forgotten vote at its first election', () => {
    const caught = firstCaught({ createRaft: forgetfulCore, faults: 'none', nodes: 5, protocolRuleChecks: true, seedsMax: 2, expected: ['persist-before-send'] });
    expect(caught?.seed).toBe(1);
  });

  it('catches the damage of a forgotten vote (two leaders in one term) under leader churn', () => {
    const caught = firstCaught({ createRaft: forgetfulCore, faults: 'leader-churn', nodes: 3, protocolRuleChecks: false, seedsMax: 40, expected: damageInvariants });
    expect(caught).not.toBeNull();
  });

  it('catches a driver that sends before it persists', () => {
    const caught = firstCaught({ driverOrder: 'sendBeforePersist', faults: 'none', nodes: 5, protocolRuleChecks: true, seedsMax: 2, expected: ['persist-before-send'] });
    expect(caught?.seed).toBe(1);
  });

  it('catches the damage of sending before persisting (a power loss in between) under leader churn', () => {
    const caught = firstCaught({ driverOrder: 'sendBeforePersist', faults: 'leader-churn', nodes: 3, protocolRuleChecks: false, seedsMax: 40, expected: damageInvariants });
    expect(caught).not.toBeNull();
  });

  it('catches a vote granted to a candidate whose log lacks committed entries (Leader Completeness)', () => {
    const votesForAnyLog: RaftFactory = (options, persisted) => new VotesForAnyLog(options, persisted);
    const caught = firstCaught({ createRaft: votesForAnyLog, faults: 'leader-churn', nodes: 3, protocolRuleChecks: true, seedsMax: 5, expected: ['leader-completeness'] });
    expect(caught).not.toBeNull();
  });

  it('catches the damage of two membership changes at once (the old and new majorities no longer overlap)', () => {
    const changesWhilePending: RaftFactory = (options, persisted) => new ChangesMembershipWhilePending(options, persisted);
    const caught = firstCaught({ createRaft: changesWhilePending, faults: 'membership-churn', nodes: 5, protocolRuleChecks: false, seedsMax: 5, expected: damageInvariants });
    expect(caught).not.toBeNull();
  });

  it('catches reads answered locally, without confirming leadership (ReadIndex linearizability)', () => {
    const readsLocally: RaftFactory = (options, persisted) => new ReadsLocally(options, persisted);
    const caught = firstCaught({ createRaft: readsLocally, faults: 'light', nodes: 5, protocolRuleChecks: true, seedsMax: 5, expected: ['read-linearizability'] });
    expect(caught).not.toBeNull();
  });

  it('catches a tablet back from a partition deposing a healthy leader when there is no PreVote', () => {
    const withoutPreVote: RaftFactory = (options, persisted) => new CampaignsWithoutPreVote(options, persisted);
    const caught = firstCaught({ createRaft: withoutPreVote, faults: 'light', nodes: 5, protocolRuleChecks: true, seedsMax: 5, expected: ['leader-deposed'] });
    expect(caught).not.toBeNull();
  });

  it('catches a leader cut off from its quorum that goes on leading (no CheckQuorum)', () => {
    const withoutCheckQuorum: RaftFactory = (options, persisted) => new WithoutCheckQuorum(options, persisted);
    const caught = firstCaught({ createRaft: withoutCheckQuorum, faults: 'heavy', nodes: 5, protocolRuleChecks: true, seedsMax: 3, expected: ['leader-not-stepping-down'] });
    expect(caught).not.toBeNull();
  });

  it('catches acknowledgements ten times slower than a healthy clinic allows (figure bounds)', () => {
    const holdsAppends: RaftFactory = (options, persisted) => new HoldsAppendsUntilTick(options, persisted);
    const caught = firstCaught({ createRaft: holdsAppends, faults: 'none', nodes: 5, protocolRuleChecks: true, seedsMax: 1, expected: ['figure-bound'] });
    expect(caught?.violation.message).toContain('acknowledgeLatencyHealthyMs p50');
  });

  it('does not flag the real core on the same targeted runs', () => {
    const everyInvariant = damageInvariants.concat('commit-rule', 'persist-before-send', 'double-vote', 'leader-deposed', 'leader-not-stepping-down', 'figure-bound');
    expect(firstCaught({ faults: 'leader-churn', nodes: 3, protocolRuleChecks: true, seedsMax: 10, expected: everyInvariant })).toBeNull();
    expect(firstCaught({ faults: 'membership-churn', nodes: 5, protocolRuleChecks: true, seedsMax: 5, expected: everyInvariant })).toBeNull();
  });
});
