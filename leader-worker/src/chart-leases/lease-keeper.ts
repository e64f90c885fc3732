// The lease keeper's I/O edge: it reads the clinic's open visits and recorded leases through the node's narrow
// view, carries out what LeaseKeeperDecisions asks (acquire or release at central, propose the outcome into
// the clinic log), and wakes when the node changes (at most once per evaluation interval: a busy clinic
// commits hundreds of entries a minute, check-ins come a few a minute) or a renewal or retry falls due.
import type { LeaseRecord } from '../chart/index.js';
import type { RandomSource, Role } from '../raft/types.js';
import type { Scheduler } from '../node/scheduler.js';
import type { CentralClient } from '../uplink/central-client.js';
import { defaultLeaseKeeperSettings, LeaseKeeperDecisions, type LeaseCommand, type LeaseKeeperSettings, type LeaseKeeperView } from './lease-keeper-decisions.js';

/** A visit opened this long ago and still not closed keeps no lease: a chart is not locked for a visit left open overnight. */
export const visitLeaseHorizonMs = 12 * 3_600_000;
/** Changes of the node are looked at no more often than this. */
export const leaseEvaluationIntervalMs = 500;

/** The node as the lease keeper sees it. */
export interface LeaseKeeperNodeView {
  status(): { readonly role: Role; readonly term: number };
  onChange(listener: () => void): () => void;
  /** This clinic's visits opened in [fromMs, untilMs): the patient, and whether the visit is still open. */
  recentVisits(fromMs: number, untilMs: number): readonly { readonly patientId: string; readonly open: boolean }[];
  leaseOf(patientId: string): LeaseRecord | null;
  /** Proposes a lease command under the keeper's identity (made of the term, so leaders never collide); resolves whether the node took it. */
  proposeLeaseCommand(command: LeaseCommand, term: number): Promise<boolean>;
}

export interface LeaseKeeperStatus {
  /** Charts this clinic holds a lease on now, as the clinic log records it. */
  readonly leasesHeld: number;
  readonly centralReachable: boolean;
  readonly refusal: { readonly status: number; readonly message: string } | null;
}

export class LeaseKeeper {
  private readonly decisions: LeaseKeeperDecisions;
  private stopListening: (() => void) | null = null;
  private cancelTimer: () => void = () => undefined;
  private timerAtMs: number | null = null;
  private stopped = false;
  private lastView: LeaseKeeperView | null = null;

  constructor(
    private readonly clinicId: string,
    private readonly node: LeaseKeeperNodeView,
    private readonly central: CentralClient,
    private readonly scheduler: Scheduler,
    random: RandomSource,
    settings: LeaseKeeperSettings = defaultLeaseKeeperSettings,
  ) {
    this.decisions = new LeaseKeeperDecisions(clinicId, random, settings);
  }

  start(): void {
    this.stopListening = this.node.onChange(() => this.wakeWithin(leaseEvaluationIntervalMs));
    this.evaluate();
  }

  stop(): void {
    this.stopped = true;
    this.stopListening?.();
    this.cancelTimer();
  }

  status(): LeaseKeeperStatus {
    const view = this.lastView;
    let leasesHeld = 0;
    if (view !== null) {
      const nowMs = this.scheduler.nowMs();
      for (const patientId of view.patientsInVisit) {
        const lease = view.leaseOf(patientId);
        if (lease !== null && !lease.released && lease.holderClinicId === this.clinicId && lease.expiresAt > nowMs) leasesHeld++;
      }
    }
    return { leasesHeld, centralReachable: this.decisions.centralReachable, refusal: this.decisions.refusal };
  }

  /** Evaluates within `delayMs` (sooner if a timer is already set sooner). */
  private wakeWithin(delayMs: number): void {
    if (this.stopped) return;
    const atMs = this.scheduler.nowMs() + delayMs;
    if (this.timerAtMs !== null && this.timerAtMs <= atMs) return;
    this.cancelTimer();
    this.timerAtMs = atMs;
    this.cancelTimer = this.scheduler.after(delayMs, () => {
      this.timerAtMs = null;
      this.evaluate();
    });
  }

  private evaluate(): void {
    if (this.stopped) return;
    const { role, term } = this.node.status();
    const view = this.view(role === 'leader' ? term : null);
    this.lastView = view;
    for (;;) {
      const nowMs = this.scheduler.nowMs();
      const action = this.decisions.next(view, nowMs);
      switch (action.type) {
        case 'wait':
          if (action.untilMs !== null) this.wakeWithin(Math.max(0, action.untilMs - nowMs));
          return;
        case 'acquire':
          this.decisions.requestStarted(action.patientId);
          void this.central.acquireLease(action.patientId).then((answer) => {
            if (this.stopped) return;
            this.decisions.acquireAnswered(this.view(term), action.patientId, answer, term, this.scheduler.nowMs());
            this.evaluate();
          });
          break;
        case 'release':
          this.decisions.requestStarted(action.patientId);
          void this.central.releaseLease(action.leaseId).then((answer) => {
            if (this.stopped) return;
            this.decisions.releaseAnswered(this.view(term), action.patientId, answer, term, this.scheduler.nowMs());
            this.evaluate();
          });
          break;
        case 'propose':
          void this.node.proposeLeaseCommand(action.command, term).then((taken) => {
            if (this.stopped) return;
            this.decisions.proposalAnswered(action.command.patientId, taken, term, this.scheduler.nowMs());
            this.wakeWithin(0);
          });
          break;
      }
    }
  }

  /** The clinic now: its recent visits by patient (open, or all closed) and the leases its log records. */
  private view(leaderTerm: number | null): LeaseKeeperView {
    const patientsInVisit = new Set<string>();
    const patientsVisitClosed = new Set<string>();
    if (leaderTerm !== null) {
      const nowMs = this.scheduler.nowMs();
      for (const visit of this.node.recentVisits(nowMs - visitLeaseHorizonMs, nowMs + leaseEvaluationIntervalMs)) {
        (visit.open ? patientsInVisit : patientsVisitClosed).add(visit.patientId);
      }
      for (const patientId of patientsInVisit) patientsVisitClosed.delete(patientId);
    }
    return { leaderTerm, patientsInVisit, patientsVisitClosed, leaseOf: (patientId) => this.node.leaseOf(patientId) };
  }
}
