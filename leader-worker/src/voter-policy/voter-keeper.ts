// The voter policy at work on the leader: it remembers when each device was last heard from, which enrolled
// devices are linked but not members, and this device's power, and every few seconds asks the policy for one
// step and takes it through the Raft core. Only the leader acts; on every other device it only listens.
import type { RaftStatus } from '../raft/raft.js';
import type { MembershipChange, NodeId, ProposeResult, RequestResult } from '../raft/types.js';
import { defaultVoterPolicyLimits, nextVoterPolicyAction, type DevicePower, type VoterPolicyAction, type VoterPolicyLimits } from './voter-policy-decisions.js';

/** What the keeper needs of the Raft core. */
export interface VoterKeeperCore {
  status(): RaftStatus;
  proposeMembershipChange(change: MembershipChange): ProposeResult;
  transferLeadership(target: NodeId): RequestResult;
}

export interface VoterKeeperCounters {
  learnersAdded: number;
  promotions: number;
  removals: number;
  leadershipTransfers: number;
  /** Steps the core refused (a race with another change, leadership lost meanwhile). */
  refused: number;
}

/** Devices remembered at most: a clinic has up to 20; links from more are not remembered. */
const devicesRememberedMax = 64;

export class VoterKeeper {
  readonly counters: VoterKeeperCounters = { learnersAdded: 0, promotions: 0, removals: 0, leadershipTransfers: 0, refused: 0 };
  private readonly lastHeardMs = new Map<NodeId, number>();
  private readonly linked = new Set<NodeId>();
  private power: DevicePower | null = null;
  private ledTerm = 0;
  private lastAction: VoterPolicyAction | null = null;

  constructor(
    private readonly core: VoterKeeperCore,
    private readonly nowMs: () => number,
    private readonly limits: VoterPolicyLimits = defaultVoterPolicyLimits,
    /** Told of every step taken, with the term it was taken in (the simulator's checks, an ops log). */
    private readonly onAction: (action: VoterPolicyAction, term: number) => void = () => undefined,
  ) {}

  /** A valid message came from `peer`. */
  heard(peer: NodeId): void {
    if (this.lastHeardMs.has(peer) || this.lastHeardMs.size < devicesRememberedMax) this.lastHeardMs.set(peer, this.nowMs());
  }

  /** The transport linked (an enrolled device of this clinic, on a transport that checks) or lost `peer`. */
  linkChanged(peer: NodeId, linked: boolean): void {
    if (!linked) this.linked.delete(peer);
    else if (this.linked.size < devicesRememberedMax) this.linked.add(peer);
  }

  setPower(power: DevicePower): void {
    this.power = power;
  }

  /** The last step taken, for the status panel and the simulator. */
  get latestAction(): VoterPolicyAction | null {
    return this.lastAction;
  }

  /** Takes at most one step of the policy; only a leader does. */
  step(): VoterPolicyAction | null {
    const status = this.core.status();
    if (status.role !== 'leader') return null;
    const members = [...status.membership.voters, ...status.membership.learners];
    if (status.term !== this.ledTerm) {
      // A new leader has heard from nobody yet: members count as heard at its start, so none is taken for
      // silent before it had the chance to hear from them.
      this.ledTerm = status.term;
      const nowMs = this.nowMs();
      for (const member of members) if (member !== status.id && !this.lastHeardMs.has(member)) this.lastHeardMs.set(member, nowMs);
    }
    const matchIndexes = new Map(status.peerMatchIndexes.map((peer) => [peer.nodeId, peer.matchIndex]));
    const action = nextVoterPolicyAction({
      nowMs: this.nowMs(),
      leaderId: status.id,
      lastIndex: status.lastIndex,
      voters: status.membership.voters,
      learners: status.membership.learners,
      changePending: status.membershipChangePending,
      peers: members
        .filter((member) => member !== status.id)
        .map((nodeId) => ({ nodeId, matchIndex: matchIndexes.get(nodeId) ?? 0, lastHeardMs: this.lastHeardMs.get(nodeId) ?? null, power: null })),
      newcomers: [...this.linked].filter((peer) => !members.includes(peer)),
      leaderPower: this.power,
    }, this.limits);
    if (action === null) return null;
    const result = this.take(action);
    if (result.type !== 'appended' && result.type !== 'accepted') {
      this.counters.refused++;
      return null;
    }
    this.count(action);
    this.lastAction = action;
    this.onAction(action, status.term);
    return action;
  }

  private take(action: VoterPolicyAction): ProposeResult | RequestResult {
    switch (action.type) {
      case 'addLearner':
        return this.core.proposeMembershipChange({ type: 'addLearner', nodeId: action.nodeId });
      case 'promote':
        return this.core.proposeMembershipChange({ type: 'addVoter', nodeId: action.nodeId });
      case 'remove':
        return this.core.proposeMembershipChange({ type: 'removeNode', nodeId: action.nodeId });
      case 'transferLeadership':
        return this.core.transferLeadership(action.to);
    }
  }

  private count(action: VoterPolicyAction): void {
    switch (action.type) {
      case 'addLearner':
        this.counters.learnersAdded++;
        return;
      case 'promote':
        this.counters.promotions++;
        return;
      case 'remove':
        this.counters.removals++;
        // Should it come back, it is a newcomer again, heard from afresh.
        this.lastHeardMs.delete(action.nodeId);
        return;
      case 'transferLeadership':
        this.counters.leadershipTransfers++;
    }
  }
}
