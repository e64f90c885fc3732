// What the leader's lease keeper does next (seed level 3): a chart in use at this clinic is locked out at the
// others. While central is reachable, a patient with a visit open here gets the chart's lease from central,
// renewed before it runs out while the visit stays open, released once it closes; every grant, renewal and
// release is written into the clinic log, so every device shows the chart's state, and a chart another clinic
// holds opens read-only with who holds it until when. Pure: the clock is passed in, the randomness injected.
//
// The clinic log is the keeper's memory: what it would do for a patient is decided from the chart's lease as
// the log records it and the visits open now, so a new leader picks up where the last one stopped. Only lease
// ids (which central needs to release) and per-patient timers live here; a new leader that does not know a
// lease id acquires again (central extends the clinic's own lease and answers its id), then releases.
//
// Offline, nothing here acts: visits go on, their writes carry epoch 0 (written without a lease), and central
// applies them when they arrive, recording a fencing conflict where another clinic held the chart meanwhile.
import type { LeaseRecord } from '../chart/index.js';
import type { RandomSource } from '../raft/types.js';
import { assert } from '../invariants/assert.js';
import { defaultRetryBackoff, retryDelayMs, type RetryBackoff } from '../uplink/retry-backoff.js';

/** The clinic as the keeper sees it when it decides. */
export interface LeaseKeeperView {
  /** The term this device leads in, or null when it does not lead. */
  readonly leaderTerm: number | null;
  /** Patients with a visit open at this clinic now (recent visits not at 'done'). */
  readonly patientsInVisit: ReadonlySet<string>;
  /** Patients whose recent visits here have all closed: their lease, if this clinic holds one, is released. */
  readonly patientsVisitClosed: ReadonlySet<string>;
  /** The chart's lease as the clinic log records it. */
  leaseOf(patientId: string): LeaseRecord | null;
}

export interface LeaseKeeperSettings {
  readonly backoff: RetryBackoff;
  /** A lease of this clinic is renewed once it has less than this left (central's default lease is 15 minutes). */
  readonly renewAheadMs: number;
  /** A chart held by another clinic is asked for again this often (it may be released early), and at its expiry. */
  readonly heldElsewhereRecheckMs: number;
  /** Requests to central at once: a morning's check-ins are a handful a minute, never a flood. */
  readonly requestsInFlightMax: number;
}

export const defaultLeaseKeeperSettings: LeaseKeeperSettings = {
  backoff: defaultRetryBackoff,
  renewAheadMs: 5 * 60_000,
  heldElsewhereRecheckMs: 2 * 60_000,
  requestsInFlightMax: 4,
};

/** How central answered an acquire. */
export type AcquireAnswer =
  | { readonly type: 'granted'; readonly leaseId: string; readonly epoch: number; readonly expiresAtMs: number }
  | { readonly type: 'heldElsewhere'; readonly holderClinicId: string; readonly epoch: number; readonly expiresAtMs: number }
  | { readonly type: 'unavailable'; readonly retryAfterMs?: number }
  | { readonly type: 'refused'; readonly status: number; readonly message: string };

/** How central answered a release. */
export type ReleaseAnswer =
  | { readonly type: 'released' }
  /** Released before, or superseded by a later grant: nothing of this clinic's to release any more. */
  | { readonly type: 'gone' }
  | { readonly type: 'unavailable'; readonly retryAfterMs?: number }
  | { readonly type: 'refused'; readonly status: number; readonly message: string };

/** A lease command for the clinic log (chart commands grantLease, renewLease, releaseLease). */
export type LeaseCommand =
  | { readonly type: 'grantLease'; readonly patientId: string; readonly holderClinicId: string; readonly epoch: number; readonly expiresAt: number }
  | { readonly type: 'renewLease'; readonly patientId: string; readonly epoch: number; readonly expiresAt: number }
  | { readonly type: 'releaseLease'; readonly patientId: string; readonly epoch: number };

export type LeaseKeeperAction =
  | { readonly type: 'acquire'; readonly patientId: string }
  | { readonly type: 'release'; readonly patientId: string; readonly leaseId: string }
  | { readonly type: 'propose'; readonly command: LeaseCommand }
  /** Nothing until `untilMs` (a renewal or retry falls due), or until the view changes (`untilMs` null). */
  | { readonly type: 'wait'; readonly untilMs: number | null };

interface PatientState {
  /** A request to central for this patient is out. */
  requesting: boolean;
  /** Nothing is asked for this patient before this (a retry, a chart held elsewhere, a renewal not yet due). */
  notBeforeMs: number;
  /** A command proposed and not yet answered by the node. */
  proposing: boolean;
}

export class LeaseKeeperDecisions {
  private term: number | null = null;
  private readonly patients = new Map<string, PatientState>();
  /** Lease ids central gave this leader, by patient: what a release names. */
  private readonly leaseIds = new Map<string, string>();
  /** Commands decided from central's answers, waiting to be proposed. */
  private readonly toPropose: LeaseCommand[] = [];
  private requestsInFlight = 0;
  private centralFailuresInARow = 0;
  private centralRetryAtMs = 0;
  private lastRefusal: { readonly status: number; readonly message: string } | null = null;

  constructor(
    private readonly clinicId: string,
    private readonly random: RandomSource,
    private readonly settings: LeaseKeeperSettings = defaultLeaseKeeperSettings,
  ) {
    assert(settings.requestsInFlightMax >= 1 && settings.renewAheadMs > 0 && settings.heldElsewhereRecheckMs > 0, 'lease keeper settings are positive');
  }

  /** The next thing to do for `view`. Call again after every answer and every started action, until it waits. */
  next(view: LeaseKeeperView, nowMs: number): LeaseKeeperAction {
    this.observeTerm(view.leaderTerm);
    if (view.leaderTerm === null) return { type: 'wait', untilMs: null };
    const command = this.toPropose.shift();
    if (command !== undefined) {
      this.state(command.patientId).proposing = true;
      return { type: 'propose', command };
    }
    let wakeAtMs: number | null = null;
    const wakeBy = (ms: number): void => {
      wakeAtMs = wakeAtMs === null ? ms : Math.min(wakeAtMs, ms);
    };
    if (nowMs < this.centralRetryAtMs) return { type: 'wait', untilMs: this.centralRetryAtMs };
    for (const patientId of [...view.patientsInVisit, ...view.patientsVisitClosed]) {
      const wanted = this.wanted(view, patientId, nowMs);
      if (wanted === null) continue;
      if (wanted.type === 'waitUntil') {
        wakeBy(wanted.atMs);
        continue;
      }
      const state = this.state(patientId);
      if (state.requesting || state.proposing) continue;
      if (nowMs < state.notBeforeMs) {
        wakeBy(state.notBeforeMs);
        continue;
      }
      if (this.requestsInFlight >= this.settings.requestsInFlightMax) return { type: 'wait', untilMs: null };
      const leaseId = this.leaseIds.get(patientId);
      // A release names the lease; without its id (a new leader), acquiring again answers it.
      if (wanted.type === 'release' && leaseId !== undefined) return { type: 'release', patientId, leaseId };
      return { type: 'acquire', patientId };
    }
    this.forgetIdle(view);
    return { type: 'wait', untilMs: wakeAtMs };
  }

  /** The driver sent the request next() asked for. */
  requestStarted(patientId: string): void {
    const state = this.state(patientId);
    assert(!state.requesting, 'one request per patient at a time');
    state.requesting = true;
    this.requestsInFlight++;
  }

  acquireAnswered(view: LeaseKeeperView, patientId: string, answer: AcquireAnswer, term: number, nowMs: number): void {
    if (!this.requestEnded(patientId, term)) return;
    const state = this.state(patientId);
    const recorded = view.leaseOf(patientId);
    switch (answer.type) {
      case 'granted': {
        this.centralSucceeded();
        this.leaseIds.set(patientId, answer.leaseId);
        const sameLease = recorded !== null && recorded.epoch === answer.epoch && recorded.holderClinicId === this.clinicId && !recorded.released;
        if (!sameLease) {
          this.toPropose.push({ type: 'grantLease', patientId, holderClinicId: this.clinicId, epoch: answer.epoch, expiresAt: answer.expiresAtMs });
        } else if (answer.expiresAtMs > recorded.expiresAt) {
          this.toPropose.push({ type: 'renewLease', patientId, epoch: answer.epoch, expiresAt: answer.expiresAtMs });
        }
        return;
      }
      case 'heldElsewhere':
        this.centralSucceeded();
        // Recorded in the log so every device shows who holds the chart until when (read-only here).
        if (recorded === null || recorded.epoch < answer.epoch) {
          this.toPropose.push({ type: 'grantLease', patientId, holderClinicId: answer.holderClinicId, epoch: answer.epoch, expiresAt: answer.expiresAtMs });
        }
        state.notBeforeMs = Math.min(answer.expiresAtMs, nowMs + this.settings.heldElsewhereRecheckMs);
        return;
      case 'unavailable':
      case 'refused':
        this.failed(state, answer, nowMs);
        return;
    }
  }

  releaseAnswered(view: LeaseKeeperView, patientId: string, answer: ReleaseAnswer, term: number, nowMs: number): void {
    if (!this.requestEnded(patientId, term)) return;
    const state = this.state(patientId);
    switch (answer.type) {
      case 'released':
      case 'gone': {
        this.centralSucceeded();
        this.leaseIds.delete(patientId);
        const recorded = view.leaseOf(patientId);
        if (recorded !== null && recorded.holderClinicId === this.clinicId && !recorded.released) {
          this.toPropose.push({ type: 'releaseLease', patientId, epoch: recorded.epoch });
        }
        return;
      }
      case 'unavailable':
      case 'refused':
        this.failed(state, answer, nowMs);
        return;
    }
  }

  /** The node answered a proposed lease command (made in `term`); `taken` false: not stored, decided again later. */
  proposalAnswered(patientId: string, taken: boolean, term: number, nowMs: number): void {
    if (term !== this.term) return;
    const state = this.state(patientId);
    state.proposing = false;
    if (!taken) state.notBeforeMs = nowMs + this.settings.backoff.firstDelayMs;
  }

  get refusal(): { readonly status: number; readonly message: string } | null {
    return this.lastRefusal;
  }

  /** Whether central was last reachable (false after a failure, until an answer). */
  get centralReachable(): boolean {
    return this.centralFailuresInARow === 0;
  }

  /** What this clinic should do about one patient's lease now, or null for nothing. */
  private wanted(view: LeaseKeeperView, patientId: string, nowMs: number): { type: 'acquire' | 'release' } | { type: 'waitUntil'; atMs: number } | null {
    const lease = view.leaseOf(patientId);
    const ours = lease !== null && !lease.released && lease.holderClinicId === this.clinicId && lease.expiresAt > nowMs;
    if (!view.patientsInVisit.has(patientId)) return ours ? { type: 'release' } : null;
    if (ours) {
      const renewAtMs = lease.expiresAt - this.settings.renewAheadMs;
      return nowMs >= renewAtMs ? { type: 'acquire' } : { type: 'waitUntil', atMs: renewAtMs };
    }
    return { type: 'acquire' };
  }

  private observeTerm(term: number | null): void {
    if (term === this.term) return;
    // Another term: answers of the last one are ignored, and what it learned (lease ids) is asked again.
    this.term = term;
    this.patients.clear();
    this.leaseIds.clear();
    this.toPropose.length = 0;
    this.requestsInFlight = 0;
    this.centralFailuresInARow = 0;
    this.centralRetryAtMs = 0;
  }

  /** Frees the request's slot; false when it belongs to another term (its answer is then ignored). */
  private requestEnded(patientId: string, term: number): boolean {
    if (term !== this.term) return false;
    const state = this.state(patientId);
    assert(state.requesting && this.requestsInFlight > 0, 'an answer with no request in flight');
    state.requesting = false;
    this.requestsInFlight--;
    return true;
  }

  /** Patients with no visit here any more and nothing out are forgotten: the map stays the size of the day's visits. */
  private forgetIdle(view: LeaseKeeperView): void {
    for (const [patientId, state] of this.patients) {
      const idle = !state.requesting && !state.proposing;
      if (idle && !view.patientsInVisit.has(patientId) && !view.patientsVisitClosed.has(patientId)) this.patients.delete(patientId);
    }
  }

  private state(patientId: string): PatientState {
    let state = this.patients.get(patientId);
    if (state === undefined) {
      state = { requesting: false, notBeforeMs: 0, proposing: false };
      this.patients.set(patientId, state);
    }
    return state;
  }

  /** Central could not be reached (everything waits for the backoff), or refused this patient (only it waits). */
  private failed(
    state: PatientState,
    answer: { readonly type: 'unavailable'; readonly retryAfterMs?: number } | { readonly type: 'refused'; readonly status: number; readonly message: string },
    nowMs: number,
  ): void {
    if (answer.type === 'unavailable') {
      this.centralFailed(nowMs, answer.retryAfterMs ?? 0);
      return;
    }
    this.lastRefusal = { status: answer.status, message: answer.message };
    state.notBeforeMs = nowMs + this.settings.backoff.delayMsMax;
  }

  private centralSucceeded(): void {
    this.centralFailuresInARow = 0;
    this.centralRetryAtMs = 0;
    this.lastRefusal = null;
  }

  private centralFailed(nowMs: number, floorMs: number): void {
    this.centralFailuresInARow++;
    // Several requests fail together when central goes down: the longest wait any of them was given holds.
    this.centralRetryAtMs = Math.max(this.centralRetryAtMs, nowMs + retryDelayMs(this.centralFailuresInARow, this.settings.backoff, this.random, floorMs));
  }
}
