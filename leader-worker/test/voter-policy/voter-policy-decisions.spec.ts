import {
  defaultVoterPolicyLimits,
  nextVoterPolicyAction,
  powerIsPoor,
  type ClinicView,
  type DevicePower,
  type PeerView,
} from '../../src/voter-policy/voter-policy-decisions.js';

const nowMs = 1_000_000;
const mains: DevicePower = { onMains: true, batteryLevel: 1, hidden: false };
const lowBattery: DevicePower = { onMains: false, batteryLevel: 0.1, hidden: false };
const halfBattery: DevicePower = { onMains: false, batteryLevel: 0.5, hidden: false };

/** A peer heard from just now and caught up, unless told otherwise. */
function peer(nodeId: string, overrides: Partial<PeerView> = {}): PeerView {
  return { nodeId, matchIndex: 100, lastHeardMs: nowMs - 100, power: null, ...overrides };
}

function view(overrides: Partial<ClinicView>): ClinicView {
  return { nowMs, leaderId: 'a', lastIndex: 100, voters: ['a'], learners: [], changePending: false, peers: [], newcomers: [], leaderPower: null, ...overrides };
}

describe('the voter policy', () => {
  it('adds an enrolled device that turned up as a learner, the smallest id first', () => {
    expect(nextVoterPolicyAction(view({ voters: ['a', 'b', 'c'], peers: [peer('b'), peer('c')], newcomers: ['z', 'd'] })))
      .toEqual(jasmine.objectContaining({ type: 'addLearner', nodeId: 'd' }));
  });

  it('does not add a newcomer that is a member already', () => {
    expect(nextVoterPolicyAction(view({ voters: ['a', 'b', 'c'], learners: ['d'], peers: [peer('b'), peer('c'), peer('d', { matchIndex: 0 })], newcomers: ['d'] })))
      .toBeNull();
  });

  it('takes one membership step at a time: nothing while a change is pending', () => {
    expect(nextVoterPolicyAction(view({ changePending: true, newcomers: ['d'] }))).toBeNull();
  });

  it('proposes no change without a quorum of voters heard from recently', () => {
    const stale = nowMs - defaultVoterPolicyLimits.recentlyHeardMsMax - 1;
    const cutOff = view({ voters: ['a', 'b', 'c'], peers: [peer('b', { lastHeardMs: stale }), peer('c', { lastHeardMs: null })], newcomers: ['d'] });
    expect(nextVoterPolicyAction(cutOff)).toBeNull();
    const oneUp = view({ ...cutOff, peers: [peer('b'), peer('c', { lastHeardMs: null })] });
    expect(nextVoterPolicyAction(oneUp)?.type).toBe('addLearner');
  });

  it('promotes caught-up learners toward five voters, keeping the count odd where it can', () => {
    const learnersReady = [peer('b'), peer('c'), peer('d'), peer('e')];
    // One voter and one ready learner: two voters would tolerate no more failures and need both: stay.
    expect(nextVoterPolicyAction(view({ voters: ['a'], learners: ['b'], peers: [peer('b')] }))).toBeNull();
    // Two ready: promote one now, the other next (1 -> 2 -> 3).
    expect(nextVoterPolicyAction(view({ voters: ['a'], learners: ['b', 'c'], peers: learnersReady.slice(0, 2) })))
      .toEqual(jasmine.objectContaining({ type: 'promote', nodeId: 'b' }));
    expect(nextVoterPolicyAction(view({ voters: ['a', 'b'], learners: ['c'], peers: learnersReady.slice(0, 2) })))
      .toEqual(jasmine.objectContaining({ type: 'promote', nodeId: 'c' }));
    // Five voters: no more.
    const five = view({ voters: ['a', 'b', 'c', 'd', 'e'], learners: ['f', 'g'], peers: [...learnersReady, peer('f'), peer('g')] });
    expect(nextVoterPolicyAction(five)).toBeNull();
    // Three voters and two ready learners: 3 -> 4 -> 5.
    expect(nextVoterPolicyAction(view({ voters: ['a', 'b', 'c'], learners: ['d', 'e'], peers: learnersReady })))
      .toEqual(jasmine.objectContaining({ type: 'promote', nodeId: 'd' }));
  });

  it('does not promote a learner that has not caught up or is not heard from, and prefers one on mains', () => {
    const behind = peer('b', { matchIndex: 100 - defaultVoterPolicyLimits.caughtUpEntriesMax - 1 });
    const asleep = peer('c', { lastHeardMs: nowMs - defaultVoterPolicyLimits.recentlyHeardMsMax - 1 });
    expect(nextVoterPolicyAction(view({ voters: ['a', 'x'], learners: ['b', 'c'], peers: [peer('x'), behind, asleep] }))).toBeNull();
    const justCaughtUp = peer('b', { matchIndex: 100 - defaultVoterPolicyLimits.caughtUpEntriesMax });
    expect(nextVoterPolicyAction(view({ voters: ['a', 'x'], learners: ['b'], peers: [peer('x'), justCaughtUp] }))?.type).toBe('promote');
    const choice = nextVoterPolicyAction(view({ voters: ['a', 'x'], learners: ['b', 'c'], peers: [peer('x'), peer('b', { power: halfBattery }), peer('c', { power: mains })] }));
    expect(choice).toEqual(jasmine.objectContaining({ type: 'promote', nodeId: 'c' }));
  });

  it('removes a voter silent for voterSilenceMsMax, never the leader, and only with a quorum left', () => {
    const silentMs = nowMs - defaultVoterPolicyLimits.voterSilenceMsMax - 1;
    const three = view({ voters: ['a', 'b', 'c'], peers: [peer('b'), peer('c', { lastHeardMs: silentMs })] });
    expect(nextVoterPolicyAction(three)).toEqual(jasmine.objectContaining({ type: 'remove', nodeId: 'c' }));
    const notYet = view({ ...three, peers: [peer('b'), peer('c', { lastHeardMs: silentMs + 2 })] });
    expect(nextVoterPolicyAction(notYet)).toBeNull();
    const twoOfThreeSilent = view({ ...three, peers: [peer('b', { lastHeardMs: silentMs }), peer('c', { lastHeardMs: silentMs })] });
    expect(nextVoterPolicyAction(twoOfThreeSilent)).toBeNull();
  });

  it('hands leadership from a leader on low battery or hidden to a caught-up voter, mains first', () => {
    const voters = ['a', 'b', 'c'];
    const peers = [peer('b', { power: halfBattery }), peer('c', { power: mains })];
    expect(nextVoterPolicyAction(view({ voters, peers, leaderPower: lowBattery }))).toEqual(jasmine.objectContaining({ type: 'transferLeadership', to: 'c' }));
    expect(nextVoterPolicyAction(view({ voters, peers, leaderPower: { ...mains, hidden: true } }))?.type).toBe('transferLeadership');
    // Even while a membership change is pending: the change commits as well under the next leader.
    expect(nextVoterPolicyAction(view({ voters, peers, leaderPower: lowBattery, changePending: true }))?.type).toBe('transferLeadership');
    // Not to a voter that lags, is not heard from, or is itself poorly powered.
    const unfit = [peer('b', { matchIndex: 99 }), peer('c', { power: lowBattery })];
    expect(nextVoterPolicyAction(view({ voters, peers: unfit, leaderPower: lowBattery }))).toBeNull();
    expect(nextVoterPolicyAction(view({ voters, peers, leaderPower: halfBattery }))).toBeNull();
  });

  it('judges power: hidden or a low battery off mains is poor; unknown, mains or a missing Battery API is not', () => {
    expect(powerIsPoor(null, defaultVoterPolicyLimits)).toBeFalse();
    expect(powerIsPoor(mains, defaultVoterPolicyLimits)).toBeFalse();
    expect(powerIsPoor({ onMains: true, batteryLevel: 0.05, hidden: false }, defaultVoterPolicyLimits)).toBeFalse();
    expect(powerIsPoor({ onMains: false, batteryLevel: null, hidden: false }, defaultVoterPolicyLimits)).toBeFalse();
    expect(powerIsPoor(lowBattery, defaultVoterPolicyLimits)).toBeTrue();
    expect(powerIsPoor({ onMains: false, batteryLevel: defaultVoterPolicyLimits.lowBatteryLevel, hidden: false }, defaultVoterPolicyLimits)).toBeFalse();
    expect(powerIsPoor({ ...mains, hidden: true }, defaultVoterPolicyLimits)).toBeTrue();
  });
});
