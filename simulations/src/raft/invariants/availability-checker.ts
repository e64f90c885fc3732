// Availability (DESIGN.md invariant 7), checked after every event, in every scenario:
//
// - A healthy leader is not deposed. While the leader of the newest term is up, awake and connected both
//   ways to a quorum of its voters that follow it, nobody may start a newer term: PreVote and CheckQuorum's
//   lease (thesis §9.6, §4.2.3) exist so that a tablet waking up, or a device back from a partition, cannot
//   disturb it. A leadership transfer the simulation asked for is the one deposition allowed. A stretch of
//   health is judged once it has lasted long enough for what began before it to have run out (messages in
//   flight, a follower's lease about to be renewed, a CheckQuorum window that was already open).
// - A leader cut off from its quorum steps down (CheckQuorum, thesis §6.2) within a bounded time of the last
//   moment a quorum of its voters could still have answered it, so the clinicians on its side stop waiting.
//
// The checker judges any driver that can describe its devices this way (AvailabilityHost).
import type { NodeId, Role } from '../../../../leader-worker/src/raft/types.js';
import { check } from '../../engine/violation.js';

/** One device as the availability checks see it after an event. */
export interface DeviceAvailability {
  readonly id: NodeId;
  /** Starts of the device's process: a new one is another process, not the same leader. */
  readonly incarnation: number;
  /** Powered, awake and running with working storage: it can take part in the protocol right now. */
  readonly participating: boolean;
  /** The running process's role (also while frozen), or null when no process runs. */
  readonly role: Role | null;
  readonly term: number;
  readonly leaderId: NodeId | null;
  /** The voters of the device's configuration. */
  readonly voters: readonly NodeId[];
}

export interface AvailabilityHost {
  /** Every device that exists now. */
  deviceAvailability(): readonly DeviceAvailability[];
  /** Whether nothing cuts the link from `from` to `to` (loss and latency are not cuts). */
  linked(from: NodeId, to: NodeId): boolean;
}

export interface AvailabilityLimits {
  /** A stretch of health is judged only after it lasted this many election timeouts. */
  readonly settleElectionTimeouts: number;
  /** A leader cut off from its quorum must have stepped down within this many election timeouts. */
  readonly cutOffLeaderStepDownElectionTimeoutsMax: number;
}

/** Where the time from a cut-off to the leader stepping down goes: the raft scenario's figures, or clinic-day's. */
export interface StepDownSamples {
  readonly leaderStepDownMs: number[];
}

/** A leader, as one process leading one term. */
interface LeaderProcess {
  readonly leaderId: NodeId;
  readonly incarnation: number;
  readonly term: number;
}

interface HealthyStretch extends LeaderProcess {
  readonly sinceMs: number;
}

interface LeaderContacts extends LeaderProcess {
  /** The voters of the leader's configuration, as last seen (membership changes replace them). */
  voters: readonly NodeId[];
  /** Per voter, the last moment it could have answered this leader (connected both ways, or awake after a freeze). */
  readonly lastContactMs: Map<NodeId, number>;
}

export class AvailabilityChecker {
  /** The highest term any device was seen in or stored: a leader of a lower term is already deposed. */
  private termMax = 0;
  /** Terms in which the simulation asked the leader to hand over: a deposition there is expected. */
  private readonly transferTerms = new Set<number>();
  /** The leader of the newest term while it is healthy, since when. */
  private healthy: HealthyStretch | null = null;
  /** Devices (voters or learners) following the healthy leader, connected both ways, without a break since when. */
  private readonly supportersSince = new Map<NodeId, number>();
  /** Every leader (of any term) seen, with when each of its voters could last have answered it. */
  private readonly leaders = new Map<NodeId, LeaderContacts>();
  /** Each device as the last event left it: to see a frozen device wake. */
  private previous = new Map<NodeId, DeviceAvailability>();
  /** When the previous event ran: a leader still heard from then was not cut off. */
  private previousEventMs = 0;
  private readonly settleMs: number;
  private readonly stepDownMs: number;

  constructor(
    private readonly host: AvailabilityHost,
    private readonly figures: StepDownSamples,
    limits: AvailabilityLimits,
    electionTimeoutMs: number,
    /** Writes a line to the run's trace (only given when tracing). */
    private readonly note: ((text: string) => void) | null,
  ) {
    this.settleMs = limits.settleElectionTimeouts * electionTimeoutMs;
    this.stepDownMs = limits.cutOffLeaderStepDownElectionTimeoutsMax * electionTimeoutMs;
  }

  /** A device made `term` durable (it may be down now, but it will come back in that term). */
  termPersisted(term: number): void {
    this.termMax = Math.max(this.termMax, term);
  }

  /**
   * The simulation asks `leaderId`, leading `term`, to hand over: a new leader is expected, not a fault. The
   * request also restarts the leader's election timer (it has one timeout to finish the transfer), so its
   * time to step down, if it is cut off, starts again.
   */
  transferRequested(leaderId: NodeId, term: number): void {
    this.transferTerms.add(term);
    this.leaders.delete(leaderId);
  }

  /**
   * Since when `deviceId` has been, without a break, the healthy leader or a device following it connected
   * both ways, counting only from when the leader's health had settled; null if it is not now. A figure taken
   * over an interval that starts after this (an acknowledgement's latency) measured a clinic that works.
   */
  connectedToHealthyLeaderSince(deviceId: NodeId): number | null {
    const since = this.supportersSince.get(deviceId);
    if (since === undefined || this.healthy === null) return null;
    return Math.max(since, this.healthy.sinceMs + this.settleMs);
  }

  /**
   * Whether, as the last event left the devices, some device could win an election (it reaches a quorum of
   * its voters both ways): a failover can be timed. Asked only while one is being timed.
   */
  electionPossible(): boolean {
    const byId = this.previous;
    return [...byId.values()].some((device) => device.participating && device.voters.includes(device.id) && this.reachesQuorum(device, byId));
  }

  /** Checks the stretches against what the devices show now, then starts or ends stretches. */
  afterEvent(nowMs: number): void {
    const devices = this.host.deviceAvailability();
    const byId = new Map<NodeId, DeviceAvailability>();
    for (const device of devices) {
      byId.set(device.id, device);
      if (device.role !== null && device.term > this.termMax) this.termMax = device.term;
    }
    this.checkNotDeposed(byId, nowMs);
    this.trackHealthyLeader(devices, byId, nowMs);
    this.checkCutOffLeaders(devices, byId, nowMs);
    this.previous = byId;
    this.previousEventMs = nowMs;
  }

  /** The healthy stretch ended: by the leader going down (fine), or by a deposition (a violation once settled). */
  private checkNotDeposed(byId: ReadonlyMap<NodeId, DeviceAvailability>, nowMs: number): void {
    const stretch = this.healthy;
    if (stretch === null) return;
    const leader = byId.get(stretch.leaderId);
    const sameProcess = leader !== undefined && leader.role !== null && leader.incarnation === stretch.incarnation;
    const stillLeads = sameProcess && leader.role === 'leader' && leader.term === stretch.term && this.termMax === stretch.term;
    if (stillLeads) return;
    this.healthy = null;
    if (!sameProcess || this.transferTerms.has(stretch.term) || nowMs - stretch.sinceMs < this.settleMs) return;
    const how = leader.role !== 'leader' || leader.term !== stretch.term
      ? `is now ${leader.role} of term ${leader.term}`
      : `still leads, but a device reached term ${this.termMax}`;
    check(false, 'leader-deposed',
      () => `${stretch.leaderId} led term ${stretch.term} with a quorum of followers connected both ways for ${nowMs - stretch.sinceMs}ms and ${how} (no transfer was asked)`);
  }

  private trackHealthyLeader(devices: readonly DeviceAvailability[], byId: ReadonlyMap<NodeId, DeviceAvailability>, nowMs: number): void {
    const leader = devices.find((device) => device.role === 'leader' && device.term === this.termMax && device.participating);
    if (leader === undefined || this.transferTerms.has(leader.term) || !this.followedByQuorum(leader, byId)) {
      if (this.healthy !== null) this.note?.(`availability: leader ${this.healthy.leaderId} of term ${this.healthy.term} no longer healthy after ${nowMs - this.healthy.sinceMs}ms`);
      this.healthy = null;
      this.supportersSince.clear();
      return;
    }
    const stretch = this.healthy;
    if (stretch === null || !sameLeader(stretch, leader)) {
      this.healthy = { leaderId: leader.id, incarnation: leader.incarnation, term: leader.term, sinceMs: nowMs };
      this.supportersSince.clear();
      this.note?.(`availability: leader ${leader.id} of term ${leader.term} is healthy (a quorum follows it, connected both ways)`);
    }
    for (const device of devices) {
      if (device.id === leader.id || this.follows(device, leader)) {
        if (!this.supportersSince.has(device.id)) this.supportersSince.set(device.id, nowMs);
      } else {
        this.supportersSince.delete(device.id);
      }
    }
  }

  /** Every leader must have heard from a quorum within the bound, or have stepped down. */
  private checkCutOffLeaders(devices: readonly DeviceAvailability[], byId: ReadonlyMap<NodeId, DeviceAvailability>, nowMs: number): void {
    // Deleting the entry being visited is safe while iterating a Map.
    for (const [id, known] of this.leaders) {
      const device = byId.get(id);
      if (device !== undefined && device.role === 'leader' && sameLeader(known, device)) continue;
      this.leaders.delete(id);
      const steppedDown = device !== undefined && device.role !== null && device.incarnation === known.incarnation;
      const quorumContactMs = this.quorumContactMs(known);
      if (steppedDown && quorumContactMs < this.previousEventMs) {
        const cutOffMs = nowMs - quorumContactMs;
        this.figures.leaderStepDownMs.push(cutOffMs);
        this.note?.(`availability: ${id} stepped down ${cutOffMs}ms after a quorum of its voters could last answer it`);
      }
    }
    for (const device of devices) {
      if (device.role !== 'leader') continue;
      const known = this.leaders.get(device.id) ?? this.startTracking(device, nowMs);
      this.updateContacts(known, device, byId, nowMs);
      const cutOffMs = nowMs - this.quorumContactMs(known);
      check(cutOffMs <= this.stepDownMs, 'leader-not-stepping-down',
        () => `${device.id} still leads term ${device.term} ${cutOffMs}ms after a quorum of its voters could last answer it (allowed: ${this.stepDownMs}ms)`);
    }
  }

  private startTracking(device: DeviceAvailability, nowMs: number): LeaderContacts {
    // A new leader counts no answer from before its election: every voter starts from now.
    const known: LeaderContacts = { leaderId: device.id, incarnation: device.incarnation, term: device.term, voters: device.voters, lastContactMs: new Map() };
    for (const voterId of device.voters) known.lastContactMs.set(voterId, nowMs);
    this.leaders.set(device.id, known);
    return known;
  }

  /**
   * A voter could answer the leader while it takes part and both links are up, or when it wakes from a freeze
   * with the leader's messages it held and can still reach the leader. A frozen leader's clock stands still:
   * the rule is about a leader that is up, so while frozen every voter counts as heard from.
   */
  private updateContacts(known: LeaderContacts, leader: DeviceAvailability, byId: ReadonlyMap<NodeId, DeviceAvailability>, nowMs: number): void {
    if (!sameVoters(known.voters, leader.voters)) this.changeVoters(known, leader.voters);
    for (const voterId of leader.voters) {
      const voter = byId.get(voterId);
      const answering = !leader.participating || voterId === leader.id
        || (voter !== undefined && voter.participating && this.host.linked(voterId, leader.id) && (this.host.linked(leader.id, voterId) || this.woke(voter)));
      if (answering || !known.lastContactMs.has(voterId)) known.lastContactMs.set(voterId, nowMs);
    }
  }

  /**
   * The leader's configuration changed (thesis §4.1: at once, when the entry is appended). Up to now it was
   * judged by the old voters; from the last moment a quorum of those could answer, the new ones get the
   * same time to be heard, as CheckQuorum counts the new configuration from its next window on.
   */
  private changeVoters(known: LeaderContacts, voters: readonly NodeId[]): void {
    const oldQuorumContactMs = this.quorumContactMs(known);
    for (const voterId of voters) known.lastContactMs.set(voterId, Math.max(known.lastContactMs.get(voterId) ?? oldQuorumContactMs, oldQuorumContactMs));
    known.voters = voters;
  }

  /** The last moment by which a quorum of the leader's voters could each have answered it. */
  private quorumContactMs(known: LeaderContacts): number {
    // The quorum-th latest contact: the latest moment such that a quorum of voters was heard from at or after it.
    const quorum = quorumOf(known.voters.length);
    let best = Number.NEGATIVE_INFINITY;
    for (const candidate of known.voters) {
      const atMs = known.lastContactMs.get(candidate)!;
      if (atMs <= best) continue;
      let heardSince = 0;
      for (const voterId of known.voters) if (known.lastContactMs.get(voterId)! >= atMs) heardSince++;
      if (heardSince >= quorum) best = atMs;
    }
    return best;
  }

  private woke(device: DeviceAvailability): boolean {
    const before = this.previous.get(device.id);
    return before !== undefined && before.role !== null && !before.participating && device.participating && before.incarnation === device.incarnation;
  }

  /** Whether a quorum of the leader's voters (itself included) take part, follow it in its term and are linked with it both ways. */
  private followedByQuorum(leader: DeviceAvailability, byId: ReadonlyMap<NodeId, DeviceAvailability>): boolean {
    return this.countVoters(leader, byId, (voter) => this.follows(voter, leader)) >= quorumOf(leader.voters.length);
  }

  /** Whether a quorum of the device's voters (itself included) take part and are linked with it both ways. */
  private reachesQuorum(device: DeviceAvailability, byId: ReadonlyMap<NodeId, DeviceAvailability>): boolean {
    return this.countVoters(device, byId, (voter) => voter.participating && this.linkedBothWays(device.id, voter.id)) >= quorumOf(device.voters.length);
  }

  private countVoters(device: DeviceAvailability, byId: ReadonlyMap<NodeId, DeviceAvailability>, counts: (voter: DeviceAvailability) => boolean): number {
    let count = 0;
    for (const voterId of device.voters) {
      const voter = byId.get(voterId);
      if (voterId === device.id || (voter !== undefined && counts(voter))) count++;
    }
    return count;
  }

  private follows(device: DeviceAvailability, leader: DeviceAvailability): boolean {
    return device.participating && device.leaderId === leader.id && device.term === leader.term && this.linkedBothWays(leader.id, device.id);
  }

  private linkedBothWays(a: NodeId, b: NodeId): boolean {
    return this.host.linked(a, b) && this.host.linked(b, a);
  }
}

function quorumOf(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

function sameVoters(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

function sameLeader(known: LeaderProcess, device: DeviceAvailability): boolean {
  return known.leaderId === device.id && known.incarnation === device.incarnation && known.term === device.term;
}
