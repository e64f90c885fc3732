import type { RaftStatus } from '../../src/raft/raft.js';
import type { MembershipChange, ProposeResult, RequestResult } from '../../src/raft/types.js';
import { VoterKeeper, type VoterKeeperCore } from '../../src/voter-policy/voter-keeper.js';
import { defaultVoterPolicyLimits } from '../../src/voter-policy/voter-policy-decisions.js';

/** A Raft core that only reports a status and records what it was asked. */
class CoreStandIn implements VoterKeeperCore {
  changes: MembershipChange[] = [];
  transfers: string[] = [];
  answer: ProposeResult = { type: 'appended', index: 9, term: 2 };
  current: RaftStatus = {
    id: 'a', role: 'leader', term: 2, leaderId: 'a', votedFor: 'a', commitIndex: 8, appliedIndex: 8, firstIndex: 1, lastIndex: 8,
    membership: { voters: ['a', 'b', 'c'], learners: [] }, membershipChangePending: false,
    peerMatchIndexes: [{ nodeId: 'b', matchIndex: 8 }, { nodeId: 'c', matchIndex: 8 }], droppedMessages: 0,
  };

  status(): RaftStatus {
    return this.current;
  }

  proposeMembershipChange(change: MembershipChange): ProposeResult {
    this.changes.push(change);
    return this.answer;
  }

  transferLeadership(target: string): RequestResult {
    this.transfers.push(target);
    return { type: 'accepted' };
  }
}

describe('the voter keeper', () => {
  let core: CoreStandIn;
  let nowMs: number;
  let keeper: VoterKeeper;

  beforeEach(() => {
    core = new CoreStandIn();
    nowMs = 1_000_000;
    keeper = new VoterKeeper(core, () => nowMs);
  });

  it('takes members a new leader has not heard from yet for heard at its start, not for silent', () => {
    expect(keeper.step()).toBeNull();
    keeper.heard('b');
    nowMs += defaultVoterPolicyLimits.voterSilenceMsMax + 1;
    keeper.heard('b');
    // c was never heard in the whole silence limit since the leader started: removed.
    expect(keeper.step()).toEqual(jasmine.objectContaining({ type: 'remove', nodeId: 'c' }));
    expect(core.changes).toEqual([{ type: 'removeNode', nodeId: 'c' }]);
    expect(keeper.counters.removals).toBe(1);
  });

  it('adds a linked device that is no member as a learner, and forgets it when its link goes', () => {
    keeper.heard('b');
    keeper.heard('c');
    keeper.linkChanged('d', true);
    keeper.linkChanged('e', true);
    keeper.linkChanged('e', false);
    expect(keeper.step()).toEqual(jasmine.objectContaining({ type: 'addLearner', nodeId: 'd' }));
    expect(core.changes).toEqual([{ type: 'addLearner', nodeId: 'd' }]);
    expect(keeper.counters.learnersAdded).toBe(1);
  });

  it('counts a step the core refused as refused, not as taken', () => {
    keeper.heard('b');
    keeper.heard('c');
    keeper.linkChanged('d', true);
    core.answer = { type: 'refused', reason: 'membershipChangePending' };
    expect(keeper.step()).toBeNull();
    expect(keeper.counters).toEqual(jasmine.objectContaining({ learnersAdded: 0, refused: 1 }));
    expect(keeper.latestAction).toBeNull();
  });

  it('hands leadership on when told this device is on low battery, and does nothing on a follower', () => {
    keeper.heard('b');
    keeper.heard('c');
    keeper.setPower({ onMains: false, batteryLevel: 0.05, hidden: false });
    expect(keeper.step()).toEqual(jasmine.objectContaining({ type: 'transferLeadership', to: 'b' }));
    expect(core.transfers).toEqual(['b']);
    core.current = { ...core.current, role: 'follower', leaderId: 'b', peerMatchIndexes: [] };
    expect(keeper.step()).toBeNull();
    expect(core.transfers).toEqual(['b']);
  });
});
