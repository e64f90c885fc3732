// The simulator's central: every clinic's stored log and acknowledged index, its chart copy, its feed, and the
// chart leases of all of them, answering what the HTTP API answers (the CentralClient's typed answers). Its
// rules are the real API's own pure functions (log-batch.ts, lease-rules.ts, chart-copy-feed.ts, the chart
// domain's feed envelopes); what is simulated is only the storage (maps instead of PostgreSQL) and the clock.
import { labResultEnvelope, registrationEnvelope, type LabResultFromOutside, type RegistrationFromCentral } from '../../../../leader-worker/src/chart/index.js';
import type { AcquireAnswer, ReleaseAnswer } from '../../../../leader-worker/src/chart-leases/lease-keeper-decisions.js';
import type { FeedAnswer } from '../../../../leader-worker/src/feed-import/feed-import-decisions.js';
import { centralFeedLimits, type UploadLogBody } from '../../../../leader-worker/src/uplink/central-protocol.js';
import type { CentralAnswer } from '../../../../leader-worker/src/uplink/uplink-decisions.js';
import { CentralChartCopy } from './central-chart-copy.js';
import { CentralFeed, type FeedAppendOutcome } from './central-feed.js';
import { CentralLeases, type SimulatedLease } from './central-leases.js';
import { CentralLog } from './central-log.js';
import type { CentralTimer } from './central-timer.js';
import type { StoredEntry } from '../../../../central-api/src/log-store/log-entry.js';

export type ChartPolicy = 'lease' | 'merge';

/** One clinic as central holds it. */
export interface CentralClinic {
  readonly clinicId: string;
  readonly credential: string;
  readonly chartPolicy: ChartPolicy;
  readonly log: CentralLog;
  readonly copy: CentralChartCopy;
  readonly feed: CentralFeed;
}

/** The real API's default lease (lease-settings.ts): 15 minutes. */
export const defaultLeaseDurationMs = 15 * 60_000;

export interface FeedQuery {
  readonly afterSequence: number;
  readonly limit: number;
  readonly waitMs: number;
}

type Refusal = { readonly type: 'refused'; readonly status: number; readonly message: string };

export class SimulatedCentral {
  private readonly clinics = new Map<string, CentralClinic>();
  readonly leases: CentralLeases;
  /** Bumped by every request that changed central (for checks that need to look only after a change). */
  changes = 0;
  /** Told of the entries each upload stored (the simulated lab watches for orders). */
  onStored: (clinicId: string, entries: readonly StoredEntry[]) => void = () => undefined;

  constructor(
    readonly timer: CentralTimer,
    leaseDurationMs = defaultLeaseDurationMs,
  ) {
    this.leases = new CentralLeases(leaseDurationMs);
  }

  /** Creates a clinic with one device credential (enrollment is not what the simulator judges). */
  addClinic(clinicId: string, chartPolicy: ChartPolicy): CentralClinic {
    const copy = new CentralChartCopy(clinicId, chartPolicy === 'lease', (patientId, writer) => this.leases.newestEpochElsewhere(patientId, writer), () => this.leases.grantsMade);
    const clinic: CentralClinic = { clinicId, credential: `${clinicId}-device-credential`, chartPolicy, log: new CentralLog(), copy, feed: new CentralFeed(clinicId, this.timer) };
    this.clinics.set(clinicId, clinic);
    return clinic;
  }

  clinic(clinicId: string): CentralClinic {
    const clinic = this.clinics.get(clinicId);
    if (clinic === undefined) throw new Error(`central has no clinic ${clinicId}`);
    return clinic;
  }

  allClinics(): readonly CentralClinic[] {
    return [...this.clinics.values()];
  }

  acknowledged(clinicId: string, credential: string): CentralAnswer {
    const clinic = this.authenticated(clinicId, credential);
    return 'type' in clinic ? clinic : { type: 'acknowledged', acknowledgedIndex: clinic.log.acknowledgedIndex };
  }

  upload(clinicId: string, credential: string, body: UploadLogBody): CentralAnswer {
    const clinic = this.authenticated(clinicId, credential);
    if ('type' in clinic) return clinic;
    const result = clinic.log.upload(body);
    switch (result.kind) {
      case 'acknowledged':
        clinic.copy.project(result.stored);
        this.changes++;
        if (result.stored.length > 0) this.onStored(clinicId, result.stored);
        return { type: 'acknowledged', acknowledgedIndex: result.acknowledgedIndex };
      case 'gap':
        return { type: 'gap', expectedIndex: result.expectedIndex };
      case 'divergent':
        return { type: 'refused', status: 409, message: `Entry ${result.index} differs from the one central holds at that index` };
      case 'invalid':
        return { type: 'refused', status: result.status, message: result.message };
    }
  }

  /** A page of the clinic's feed, answered through `answer` (at once, or when a long-poll ends). */
  readFeed(clinicId: string, credential: string, query: FeedQuery, answer: (answer: FeedAnswer) => void): void {
    const clinic = this.authenticated(clinicId, credential);
    if ('type' in clinic) return answer(clinic);
    const { afterSequence, limit, waitMs } = query;
    // The query's validation (feed-page.query.ts) and the service's check of the cursor.
    if (limit < 1 || limit > centralFeedLimits.pageItemsMax || waitMs < 0 || waitMs > centralFeedLimits.longPollWaitMsMax) {
      return answer({ type: 'refused', status: 400, message: 'limit or waitMs out of range' });
    }
    if (afterSequence > clinic.feed.lastSequence) return answer({ type: 'refused', status: 400, message: 'afterSequence is past the end of this clinic\'s feed' });
    clinic.feed.page(afterSequence, limit, waitMs, (items) => answer({ type: 'items', items, feedLastSequence: clinic.feed.lastSequence }));
  }

  acquireLease(clinicId: string, credential: string, patientId: string): AcquireAnswer {
    const clinic = this.authenticated(clinicId, credential);
    if ('type' in clinic) return clinic;
    if (clinic.chartPolicy === 'merge') return { type: 'refused', status: 409, message: 'a merge-policy clinic takes no leases' };
    const outcome = this.leases.acquire(patientId, clinicId, this.timer.nowMs());
    this.changes++;
    if (outcome.kind === 'held-by-another') {
      return { type: 'heldElsewhere', holderClinicId: outcome.holder.clinicId, epoch: outcome.holder.epoch, expiresAtMs: outcome.holder.expiresAtMs };
    }
    return { type: 'granted', leaseId: outcome.lease.id, epoch: outcome.lease.epoch, expiresAtMs: outcome.lease.expiresAtMs };
  }

  releaseLease(clinicId: string, credential: string, leaseId: string): ReleaseAnswer {
    const clinic = this.authenticated(clinicId, credential);
    if ('type' in clinic) return clinic;
    const lease: SimulatedLease | undefined = this.leases.find(leaseId);
    if (lease === undefined) return { type: 'gone' };
    if (lease.clinicId !== clinicId) return { type: 'refused', status: 403, message: 'A device may only reach its own clinic\'s leases' };
    this.leases.release(leaseId, this.timer.nowMs());
    this.changes++;
    return { type: 'released' };
  }

  /** An outside lab posts a result for an order the clinic made (POST .../feed/lab-results). */
  postLabResult(clinicId: string, request: LabResultFromOutside): FeedAppendOutcome {
    return this.clinic(clinicId).feed.append('labResult', request.labResultId, labResultEnvelope(request));
  }

  /** Central's records office registers a patient for the clinic (POST .../feed/registrations). */
  appendRegistration(clinicId: string, request: RegistrationFromCentral): FeedAppendOutcome {
    return this.clinic(clinicId).feed.append('centralRegistration', request.patientId, registrationEnvelope(request));
  }

  private authenticated(clinicId: string, credential: string): CentralClinic | Refusal {
    const clinic = this.clinics.get(clinicId);
    if (clinic === undefined || clinic.credential !== credential) return { type: 'refused', status: 401, message: 'Unknown or revoked credential' };
    return clinic;
  }
}
