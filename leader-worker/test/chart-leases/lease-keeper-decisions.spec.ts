// The lease keeper's decisions without a network or a node: a check-in takes the chart's lease, an open visit
// renews it before it runs out, a closed one releases it, a chart held elsewhere is recorded (read-only here)
// and asked for again later; central down means nothing is asked until the backoff ends.
import type { LeaseRecord } from '../../src/chart/index.js';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import { LeaseKeeperDecisions, type LeaseKeeperAction, type LeaseKeeperSettings, type LeaseKeeperView } from '../../src/chart-leases/lease-keeper-decisions.js';

const clinicId = 'kisoro';
const minute = 60_000;
const settings: LeaseKeeperSettings = {
  backoff: { firstDelayMs: 1_000, delayMsMax: 60_000, multiplier: 2 }, renewAheadMs: 5 * minute, heldElsewhereRecheckMs: 2 * minute, requestsInFlightMax: 2,
};

class Clinic implements LeaseKeeperView {
  leaderTerm: number | null = 3;
  readonly patientsInVisit = new Set<string>();
  readonly patientsVisitClosed = new Set<string>();
  readonly leases = new Map<string, LeaseRecord>();

  leaseOf(patientId: string): LeaseRecord | null {
    return this.leases.get(patientId) ?? null;
  }

  record(patientId: string, lease: Partial<LeaseRecord> & { epoch: number; expiresAt: number }): void {
    this.leases.set(patientId, { holderClinicId: clinicId, grantedEventId: 'e1', updatedEventId: 'e1', released: false, ...lease });
  }
}

function keeper(): LeaseKeeperDecisions {
  return new LeaseKeeperDecisions(clinicId, new SeededRandom(11), settings);
}

/** Starts every request next() asks for, returning the actions, until it proposes or waits. */
function requests(decisions: LeaseKeeperDecisions, clinic: Clinic, nowMs: number): LeaseKeeperAction[] {
  const started: LeaseKeeperAction[] = [];
  for (let action = decisions.next(clinic, nowMs); action.type === 'acquire' || action.type === 'release'; action = decisions.next(clinic, nowMs)) {
    decisions.requestStarted(action.patientId);
    started.push(action);
  }
  return started;
}

describe('the lease keeper\'s decisions', () => {
  it('acquires at check-in and writes the grant into the clinic log; the recorded lease needs nothing more until renewal', () => {
    const clinic = new Clinic();
    const decisions = keeper();
    expect(decisions.next(clinic, 0)).toEqual({ type: 'wait', untilMs: null });
    clinic.patientsInVisit.add('p1');
    expect(requests(decisions, clinic, 0)).toEqual([{ type: 'acquire', patientId: 'p1' }]);
    decisions.acquireAnswered(clinic, 'p1', { type: 'granted', leaseId: 'L1', epoch: 4, expiresAtMs: 15 * minute }, 3, 0);
    expect(decisions.next(clinic, 0)).toEqual({ type: 'propose', command: { type: 'grantLease', patientId: 'p1', holderClinicId: clinicId, epoch: 4, expiresAt: 15 * minute } });
    decisions.proposalAnswered('p1', true, 3, 0);
    clinic.record('p1', { epoch: 4, expiresAt: 15 * minute });
    expect(decisions.next(clinic, minute)).withContext('renewal due 5 minutes before expiry').toEqual({ type: 'wait', untilMs: 10 * minute });
  });

  it('renews an open visit\'s lease once it is due, as a renewal of the recorded epoch', () => {
    const clinic = new Clinic();
    const decisions = keeper();
    clinic.patientsInVisit.add('p1');
    clinic.record('p1', { epoch: 4, expiresAt: 15 * minute });
    expect(requests(decisions, clinic, 10 * minute)).toEqual([{ type: 'acquire', patientId: 'p1' }]);
    decisions.acquireAnswered(clinic, 'p1', { type: 'granted', leaseId: 'L1', epoch: 4, expiresAtMs: 25 * minute }, 3, 10 * minute);
    expect(decisions.next(clinic, 10 * minute)).toEqual({ type: 'propose', command: { type: 'renewLease', patientId: 'p1', epoch: 4, expiresAt: 25 * minute } });
  });

  it('releases once the visit closes, and records the release; a new leader learns the lease id by acquiring first', () => {
    const clinic = new Clinic();
    const decisions = keeper();
    clinic.patientsVisitClosed.add('p1');
    clinic.record('p1', { epoch: 4, expiresAt: 15 * minute });
    expect(requests(decisions, clinic, minute)).withContext('no lease id known to this leader').toEqual([{ type: 'acquire', patientId: 'p1' }]);
    decisions.acquireAnswered(clinic, 'p1', { type: 'granted', leaseId: 'L1', epoch: 4, expiresAtMs: 16 * minute }, 3, minute);
    const renewal = decisions.next(clinic, minute);
    expect(renewal.type).toBe('propose');
    decisions.proposalAnswered('p1', true, 3, minute);
    expect(requests(decisions, clinic, minute)).toEqual([{ type: 'release', patientId: 'p1', leaseId: 'L1' }]);
    decisions.releaseAnswered(clinic, 'p1', { type: 'released' }, 3, minute);
    expect(decisions.next(clinic, minute)).toEqual({ type: 'propose', command: { type: 'releaseLease', patientId: 'p1', epoch: 4 } });
    decisions.proposalAnswered('p1', true, 3, minute);
    clinic.record('p1', { epoch: 4, expiresAt: 16 * minute, released: true });
    expect(decisions.next(clinic, minute)).toEqual({ type: 'wait', untilMs: null });
  });

  it('records a chart held by another clinic (so it opens read-only) and asks again at its expiry or the recheck', () => {
    const clinic = new Clinic();
    const decisions = keeper();
    clinic.patientsInVisit.add('p1');
    requests(decisions, clinic, 0);
    decisions.acquireAnswered(clinic, 'p1', { type: 'heldElsewhere', holderClinicId: 'rubanda', epoch: 7, expiresAtMs: 10 * minute }, 3, 0);
    expect(decisions.next(clinic, 0)).toEqual({ type: 'propose', command: { type: 'grantLease', patientId: 'p1', holderClinicId: 'rubanda', epoch: 7, expiresAt: 10 * minute } });
    decisions.proposalAnswered('p1', true, 3, 0);
    clinic.record('p1', { holderClinicId: 'rubanda', epoch: 7, expiresAt: 10 * minute });
    expect(decisions.next(clinic, 0)).toEqual({ type: 'wait', untilMs: 2 * minute });
    expect(requests(decisions, clinic, 2 * minute)).toEqual([{ type: 'acquire', patientId: 'p1' }]);
    decisions.acquireAnswered(clinic, 'p1', { type: 'heldElsewhere', holderClinicId: 'rubanda', epoch: 7, expiresAtMs: 10 * minute }, 3, 2 * minute);
    expect(decisions.next(clinic, 2 * minute)).withContext('already recorded: nothing to write').toEqual({ type: 'wait', untilMs: 4 * minute });
  });

  it('asks nothing while central is down, until the backoff ends (at least its Retry-After)', () => {
    const clinic = new Clinic();
    const decisions = keeper();
    clinic.patientsInVisit.add('p1');
    clinic.patientsInVisit.add('p2');
    expect(requests(decisions, clinic, 0).length).toBe(2);
    decisions.acquireAnswered(clinic, 'p1', { type: 'unavailable', retryAfterMs: 30_000 }, 3, 0);
    decisions.acquireAnswered(clinic, 'p2', { type: 'unavailable' }, 3, 0);
    expect(decisions.centralReachable).toBeFalse();
    const waiting = decisions.next(clinic, 0);
    expect(waiting.type === 'wait' ? waiting.untilMs! : 0).toBeGreaterThanOrEqual(30_000);
    expect(requests(decisions, clinic, waiting.type === 'wait' ? waiting.untilMs! : 0).length).toBe(2);
  });

  it('keeps at most requestsInFlightMax requests out, and one per patient', () => {
    const clinic = new Clinic();
    const decisions = keeper();
    for (const patientId of ['p1', 'p2', 'p3']) clinic.patientsInVisit.add(patientId);
    expect(requests(decisions, clinic, 0).map((action) => (action.type === 'acquire' ? action.patientId : ''))).toEqual(['p1', 'p2']);
    decisions.acquireAnswered(clinic, 'p1', { type: 'granted', leaseId: 'L1', epoch: 1, expiresAtMs: 15 * minute }, 3, 0);
    decisions.proposalAnswered('p1', true, 3, 0);
    expect(decisions.next(clinic, 0).type).toBe('propose');
    expect(requests(decisions, clinic, 0)).toEqual([{ type: 'acquire', patientId: 'p3' }]);
  });

  it('does nothing when not leading, and drops what the last term learned', () => {
    const clinic = new Clinic();
    const decisions = keeper();
    clinic.patientsInVisit.add('p1');
    requests(decisions, clinic, 0);
    clinic.leaderTerm = null;
    expect(decisions.next(clinic, 0)).toEqual({ type: 'wait', untilMs: null });
    clinic.leaderTerm = 5;
    decisions.acquireAnswered(clinic, 'p1', { type: 'granted', leaseId: 'L1', epoch: 1, expiresAtMs: 15 * minute }, 3, 0);
    expect(requests(decisions, clinic, 0)).withContext('the answer of term 3 is ignored; term 5 asks again').toEqual([{ type: 'acquire', patientId: 'p1' }]);
  });

  it('backs off a patient central refuses, and shows the refusal', () => {
    const clinic = new Clinic();
    const decisions = keeper();
    clinic.patientsInVisit.add('p1');
    requests(decisions, clinic, 0);
    decisions.acquireAnswered(clinic, 'p1', { type: 'refused', status: 403, message: 'device revoked' }, 3, 0);
    expect(decisions.refusal).toEqual({ status: 403, message: 'device revoked' });
    expect(decisions.next(clinic, 0)).toEqual({ type: 'wait', untilMs: 60_000 });
  });
});
