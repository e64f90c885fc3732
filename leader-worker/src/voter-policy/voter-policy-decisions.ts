// Who votes in a clinic, decided by its leader one step at a time. Clinics have 2 to 20 devices; tablets sleep,
// die and come back; desktops stay up. So: an enrolled device that turns up is added as a learner (its link
// already proved its certificate); a learner that has caught up is promoted while the clinic has fewer voters
// than votersTarget, keeping the count odd where it can (an even count tolerates no more failures than the odd
// count below it, and needs a larger quorum); a voter silent for voterSilenceMsMax is removed (it comes back
// as a learner when it returns); leadership moves off a device on low battery or hidden, to one on mains.
// Pure: the leader's view of the clinic comes in, at most one action goes out.
import type { NodeId } from '../raft/types.js';

export interface VoterPolicyLimits {
  /** Voters wanted: five tolerate two failures; more only slow every commit. */
  readonly votersTarget: number;
  /** A learner is caught up when its log is within this many entries of the leader's. */
  readonly caughtUpEntriesMax: number;
  /** A voter not heard from for this long is removed from the voter set. */
  readonly voterSilenceMsMax: number;
  /** A device heard from within this long counts as up (for promotions and leadership transfers). */
  readonly recentlyHeardMsMax: number;
  /** Battery level (0 to 1) under which a device on battery hands leadership on. */
  readonly lowBatteryLevel: number;
}

export const defaultVoterPolicyLimits: VoterPolicyLimits = {
  votersTarget: 5,
  caughtUpEntriesMax: 20,
  // Ten minutes: a tablet asleep through a consultation keeps its vote; one carried home does not.
  voterSilenceMsMax: 10 * 60_000,
  recentlyHeardMsMax: 5_000,
  lowBatteryLevel: 0.2,
};

/** What a device says of its power and visibility (Battery API, Page Visibility); unknown when it never said. */
export interface DevicePower {
  readonly onMains: boolean;
  /** 0 to 1; null where the Battery API is missing. */
  readonly batteryLevel: number | null;
  /** The page is hidden or frozen: its timers slow down and Android may kill it. */
  readonly hidden: boolean;
}

/** Whether a value from another thread is a DevicePower. */
export function isDevicePower(value: unknown): value is DevicePower {
  if (typeof value !== 'object' || value === null) return false;
  const { onMains, batteryLevel, hidden } = value as Record<string, unknown>;
  const level = batteryLevel === null || (typeof batteryLevel === 'number' && batteryLevel >= 0 && batteryLevel <= 1);
  return typeof onMains === 'boolean' && typeof hidden === 'boolean' && level;
}

export interface PeerView {
  readonly nodeId: NodeId;
  /** Highest log index the leader knows the peer holds. */
  readonly matchIndex: number;
  /** When the leader last heard from it; null: never since it leads. */
  readonly lastHeardMs: number | null;
  readonly power: DevicePower | null;
}

export interface ClinicView {
  readonly nowMs: number;
  readonly leaderId: NodeId;
  readonly lastIndex: number;
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  /** A membership change is in the log and not committed yet: the core takes one at a time. */
  readonly changePending: boolean;
  /** Every other device the leader has a view of, members or not. */
  readonly peers: readonly PeerView[];
  /** Enrolled devices of this clinic whose links are up but that are not members. */
  readonly newcomers: readonly NodeId[];
  readonly leaderPower: DevicePower | null;
}

export type VoterPolicyAction =
  | { readonly type: 'addLearner'; readonly nodeId: NodeId; readonly why: string }
  | { readonly type: 'promote'; readonly nodeId: NodeId; readonly why: string }
  | { readonly type: 'remove'; readonly nodeId: NodeId; readonly why: string }
  | { readonly type: 'transferLeadership'; readonly to: NodeId; readonly why: string };

/** A device that should not lead: on battery and low, or hidden. Unknown power is not held against it. */
export function powerIsPoor(power: DevicePower | null, limits: VoterPolicyLimits): boolean {
  if (power === null) return false;
  if (power.hidden) return true;
  return !power.onMains && power.batteryLevel !== null && power.batteryLevel < limits.lowBatteryLevel;
}

/** Mains first, then the fuller battery, then unknown; ties by id so every run picks the same. */
function powerRank(power: DevicePower | null): number {
  if (power === null) return 1;
  if (power.onMains) return 3;
  return 1 + (power.batteryLevel ?? 0.5);
}

function byPowerThenId(left: PeerView, right: PeerView): number {
  return powerRank(right.power) - powerRank(left.power) || (left.nodeId < right.nodeId ? -1 : left.nodeId > right.nodeId ? 1 : 0);
}

/** How many voters may be silent or lost with `voters` voting and the clinic still commit. */
function quorumOf(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/** The one step the leader should take now, or null. Membership changes wait while one is pending. */
export function nextVoterPolicyAction(view: ClinicView, limits: VoterPolicyLimits = defaultVoterPolicyLimits): VoterPolicyAction | null {
  const peers = new Map(view.peers.map((peer) => [peer.nodeId, peer]));
  const heardWithin = (nodeId: NodeId, ms: number): boolean => {
    if (nodeId === view.leaderId) return true;
    const lastHeardMs = peers.get(nodeId)?.lastHeardMs ?? null;
    return lastHeardMs !== null && view.nowMs - lastHeardMs <= ms;
  };
  const caughtUp = (nodeId: NodeId): boolean => (peers.get(nodeId)?.matchIndex ?? 0) + limits.caughtUpEntriesMax >= view.lastIndex;
  const upVoters = view.voters.filter((voter) => heardWithin(voter, limits.recentlyHeardMsMax));

  // Leadership first: a tablet about to die or be frozen by Android must not hold the clinic's writes.
  if (powerIsPoor(view.leaderPower, limits)) {
    const successor = view.peers
      .filter((peer) => view.voters.includes(peer.nodeId) && peer.nodeId !== view.leaderId)
      .filter((peer) => heardWithin(peer.nodeId, limits.recentlyHeardMsMax) && peer.matchIndex >= view.lastIndex && !powerIsPoor(peer.power, limits))
      .sort(byPowerThenId)[0];
    if (successor !== undefined) return { type: 'transferLeadership', to: successor.nodeId, why: 'this device is on low battery or hidden' };
  }

  if (view.changePending) return null;
  // Every change needs a quorum to commit; without one, proposing only fills the log.
  if (upVoters.length < quorumOf(view.voters.length)) return null;

  const newcomer = [...view.newcomers].filter((nodeId) => !view.voters.includes(nodeId) && !view.learners.includes(nodeId)).sort()[0];
  if (newcomer !== undefined) return { type: 'addLearner', nodeId: newcomer, why: 'an enrolled device of this clinic joined' };

  const silent = view.voters
    .filter((voter) => voter !== view.leaderId && !heardWithin(voter, limits.voterSilenceMsMax))
    .sort()[0];
  // Removing it must leave the up voters a quorum of the smaller set, which holds whenever they were one before.
  if (silent !== undefined) return { type: 'remove', nodeId: silent, why: `voter silent for more than ${limits.voterSilenceMsMax} ms` };

  if (view.voters.length < limits.votersTarget) {
    const ready = view.peers
      .filter((peer) => view.learners.includes(peer.nodeId) && caughtUp(peer.nodeId) && heardWithin(peer.nodeId, limits.recentlyHeardMsMax))
      .sort(byPowerThenId);
    // From an odd count, promote only when a second learner is ready to make it odd again.
    const odd = view.voters.length % 2 === 1;
    const canPromote = !odd || (ready.length >= 2 && view.voters.length + 2 <= limits.votersTarget);
    if (ready[0] !== undefined && canPromote) return { type: 'promote', nodeId: ready[0].nodeId, why: `${view.voters.length} voters, ${limits.votersTarget} wanted` };
  }
  return null;
}
