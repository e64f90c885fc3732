// The availability checks on hand-made histories (DESIGN.md invariant 7): a healthy leader is not deposed,
// a cut-off leader steps down in bounded time, and neither check fires on what Raft allows (a deposition
// before a stretch of health has settled, a transfer that was asked for, a leader that heard from a quorum
// through a freeze or under its old configuration). Reference: thesis §4.2.3, §6.2, §9.6.
import type { NodeId, Role } from '../../leader-worker/src/raft/types.js';
import { SimulationViolation } from '../src/engine/violation.js';
import { AvailabilityChecker, type AvailabilityHost, type DeviceAvailability } from '../src/raft/invariants/availability-checker.js';

const electionTimeoutMs = 1_000;
const limits = { settleElectionTimeouts: 3, cutOffLeaderStepDownElectionTimeoutsMax: 3 };

interface Device {
  id: NodeId;
  incarnation: number;
  participating: boolean;
  role: Role | null;
  term: number;
  leaderId: NodeId | null;
  voters: NodeId[];
}

/** Three voters; n1 leads term 2 and the others follow it. */
class Clinic implements AvailabilityHost {
  readonly devices = new Map<NodeId, Device>();
  readonly cutLinks = new Set<string>();

  constructor() {
    for (const id of ['n1', 'n2', 'n3']) {
      this.devices.set(id, { id, incarnation: 1, participating: true, role: 'follower', term: 2, leaderId: 'n1', voters: ['n1', 'n2', 'n3'] });
    }
    this.device('n1').role = 'leader';
  }

  device(id: NodeId): Device {
    return this.devices.get(id)!;
  }

  deviceAvailability(): DeviceAvailability[] {
    return [...this.devices.values()].map((device) => ({ ...device }));
  }

  linked(from: NodeId, to: NodeId): boolean {
    return !this.cutLinks.has(`${from}>${to}`);
  }

  cutOff(id: NodeId): void {
    for (const other of this.devices.keys()) if (other !== id) this.cutLinks.add(`${id}>${other}`).add(`${other}>${id}`);
  }
}

/** Runs the checker after an event every 100 ms from `fromMs` to `toMs`; returns the invariant it broke, or null. */
function runEvents(checker: AvailabilityChecker, fromMs: number, toMs: number): string | null {
  try {
    for (let nowMs = fromMs; nowMs <= toMs; nowMs += 100) checker.afterEvent(nowMs);
    return null;
  } catch (error) {
    if (error instanceof SimulationViolation) return error.invariant;
    throw error;
  }
}

describe('AvailabilityChecker', () => {
  let clinic: Clinic;
  let stepDowns: number[];
  let checker: AvailabilityChecker;

  beforeEach(() => {
    clinic = new Clinic();
    stepDowns = [];
    checker = new AvailabilityChecker(clinic, { leaderStepDownMs: stepDowns }, limits, electionTimeoutMs, null);
  });

  /** n3 campaigns in term 3 and n1 hears of it. */
  function depose(): void {
    Object.assign(clinic.device('n3'), { role: 'candidate', term: 3, leaderId: null });
    Object.assign(clinic.device('n1'), { role: 'follower', term: 3, leaderId: null });
  }

  it('flags a healthy leader deposed once its health has settled', () => {
    expect(runEvents(checker, 0, 5_000)).toBeNull();
    depose();
    expect(runEvents(checker, 5_100, 5_100)).toBe('leader-deposed');
  });

  it('flags a newer term even before the leader hears of it', () => {
    expect(runEvents(checker, 0, 5_000)).toBeNull();
    Object.assign(clinic.device('n3'), { role: 'candidate', term: 3, leaderId: null });
    expect(runEvents(checker, 5_100, 5_100)).toBe('leader-deposed');
  });

  it('lets a deposition through while what came before the stretch may still be settling', () => {
    expect(runEvents(checker, 0, 2_000)).toBeNull();
    depose();
    expect(runEvents(checker, 2_100, 2_100)).toBeNull();
  });

  it('lets a transfer the simulation asked for depose the leader', () => {
    expect(runEvents(checker, 0, 5_000)).toBeNull();
    checker.transferRequested('n1', 2);
    depose();
    expect(runEvents(checker, 5_100, 5_100)).toBeNull();
  });

  it('starts a stretch only when a quorum follows the leader: a frozen follower and a restarted one do not', () => {
    clinic.device('n2').participating = false;
    clinic.device('n3').leaderId = null;
    expect(runEvents(checker, 0, 5_000)).toBeNull();
    clinic.device('n2').participating = true;
    clinic.device('n3').leaderId = 'n1';
    expect(runEvents(checker, 5_100, 6_000)).toBeNull();
    depose();
    expect(runEvents(checker, 6_100, 6_100)).toBeNull();
  });

  it('flags a cut-off leader still leading past the bound', () => {
    clinic.cutOff('n1');
    expect(runEvents(checker, 0, 3_000)).toBeNull();
    expect(runEvents(checker, 3_100, 3_100)).toBe('leader-not-stepping-down');
  });

  it('records how long a cut-off leader took to step down', () => {
    expect(runEvents(checker, 0, 900)).toBeNull();
    clinic.cutOff('n1');
    expect(runEvents(checker, 1_000, 2_900)).toBeNull();
    clinic.device('n1').role = 'follower';
    expect(runEvents(checker, 3_000, 3_000)).toBeNull();
    expect(stepDowns).toEqual([2_100]);
  });

  it('gives a leader more time when a frozen voter wakes and can still answer it', () => {
    clinic.device('n2').participating = false;
    clinic.cutLinks.add('n1>n3').add('n3>n1');
    expect(runEvents(checker, 0, 2_500)).toBeNull();
    // n2 wakes holding n1's messages; n1 -> n2 is now cut, but n2's answers get through.
    clinic.device('n2').participating = true;
    clinic.cutLinks.add('n1>n2');
    expect(runEvents(checker, 2_600, 5_500)).toBeNull();
    expect(runEvents(checker, 5_600, 5_700)).toBe('leader-not-stepping-down');
  });

  it('judges a changed configuration from the last moment the old one had a quorum', () => {
    clinic.cutLinks.add('n1>n3').add('n3>n1');
    expect(runEvents(checker, 0, 2_000)).toBeNull();
    // n1 adds n4, not reachable: two of four voters are not a quorum, from now on.
    clinic.devices.set('n4', { id: 'n4', incarnation: 1, participating: false, role: null, term: 0, leaderId: null, voters: [] });
    clinic.device('n1').voters = ['n1', 'n2', 'n3', 'n4'];
    expect(runEvents(checker, 2_100, 5_000)).toBeNull();
    expect(runEvents(checker, 5_100, 5_100)).toBe('leader-not-stepping-down');
  });

  it('tells which devices have been connected to a healthy, settled leader since when', () => {
    clinic.cutLinks.add('n3>n1');
    expect(runEvents(checker, 0, 4_000)).toBeNull();
    expect(checker.connectedToHealthyLeaderSince('n2')).toBe(3_000);
    expect(checker.connectedToHealthyLeaderSince('n3')).toBeNull();
    expect(checker.electionPossible()).toBeTrue();
  });
});
