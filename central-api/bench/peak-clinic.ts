// One simulated clinic leader of the peak benchmark: what it sends central (its committed log, feed polls,
// chart leases) and what it keeps from the answers (the acknowledged index, the feed cursor, its lease), as
// a real leader does. A failed upload is sent again with the next one, so the log never has a gap.
import { encode } from '@msgpack/msgpack';
import { assert } from '../../leader-worker/src/invariants/assert.js';
import { SeededRandom } from '../../leader-worker/src/raft/seeded-random.js';
import { ingestLimits } from '../src/sync/sync-limits.js';
import { ChartWorkload } from './chart-workload.js';
import { peakWorkload } from './peak-settings.js';

export type ChartPolicy = 'lease' | 'merge';
export type ClinicRequestKind = 'upload' | 'feedPoll' | 'leaseAcquire' | 'leaseRenew' | 'leaseRelease';

/** A request ready to send with the clinic's credential, and how to take in its 2xx answer. */
export interface PlannedRequest<Kind extends string = ClinicRequestKind> {
  readonly kind: Kind;
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: string;
  /** Takes in a 2xx answer; returns what was wrong with it, or undefined when it was as expected. */
  readonly accept: (status: number, text: string) => string | undefined;
}

/** An entry as the upload body carries it, encoded once when committed. */
interface PendingEntry {
  readonly index: number;
  readonly json: string;
}

export class PeakClinic {
  private readonly workload: ChartWorkload;
  private readonly random: SeededRandom;
  // Invariant: pending holds exactly the committed entries above the acknowledged index, in index order.
  private readonly pending: PendingEntry[] = [];
  private lastCommittedIndex = 0;
  private readonly patientIds: string[] = [];
  private feedCursor: string | undefined;
  private heldLease: { readonly leaseId: string; renewed: boolean } | undefined;
  private entriesAcknowledged = 0;
  private feedItemsReceived = 0;

  constructor(
    readonly clinicId: string,
    readonly credential: string,
    readonly chartPolicy: ChartPolicy,
    seed: number,
  ) {
    this.workload = new ChartWorkload({ seed, patients: peakWorkload.patientsPerClinic, clientId: `leader-${seed}` });
    this.random = new SeededRandom(seed);
  }

  /** Entries committed (acknowledged by central) so far. */
  get acknowledgedEntries(): number {
    return this.entriesAcknowledged;
  }

  get receivedFeedItems(): number {
    return this.feedItemsReceived;
  }

  /** The clinic's devices commit `count` more entries (the first ones register its patients). */
  commit(count: number): void {
    for (let added = 0; added < count; added++) {
      const envelope = this.workload.nextEnvelope();
      const command = envelope['command'] as { type: string; patientId: string };
      if (command.type === 'registerPatient') this.patientIds.push(command.patientId);
      const index = ++this.lastCommittedIndex;
      const data = Buffer.from(encode(envelope)).toString('base64');
      this.pending.push({ index, json: JSON.stringify({ index, term: 1, kind: 'command', data }) });
    }
  }

  /** What the clinic commits in one interval at the peak. */
  commitOneInterval(): void {
    const { entriesPerIntervalMin, entriesPerIntervalMax } = peakWorkload;
    this.commit(entriesPerIntervalMin + this.random.nextInt(entriesPerIntervalMax - entriesPerIntervalMin + 1));
  }

  /** Every entry not yet acknowledged, up to one batch's worth. */
  upload(): PlannedRequest {
    assert(this.pending.length > 0, 'upload() with nothing to upload');
    const batch = this.pending.slice(0, ingestLimits.entriesPerBatchMax);
    const fromIndex = batch[0]!.index;
    const lastIndex = batch[batch.length - 1]!.index;
    const body = `{"fromIndex":${fromIndex},"leaderCommitIndex":${this.lastCommittedIndex},"entries":[${batch.map((entry) => entry.json).join(',')}]}`;
    return {
      kind: 'upload',
      method: 'POST',
      path: `/api/clinics/${this.clinicId}/log`,
      body,
      accept: (_status, text) => {
        const { acknowledgedIndex } = JSON.parse(text) as { acknowledgedIndex: number };
        if (acknowledgedIndex !== lastIndex) return `upload acknowledged ${acknowledgedIndex}, not ${lastIndex}`;
        const acknowledged = this.pending.findIndex((entry) => entry.index > acknowledgedIndex);
        const dropped = acknowledged === -1 ? this.pending.length : acknowledged;
        this.pending.splice(0, dropped);
        this.entriesAcknowledged += dropped;
        return undefined;
      },
    };
  }

  /** A plain page read (no long-poll) after the cursor; the first one reads from the start. */
  pollFeed(): PlannedRequest {
    const query = this.feedCursor === undefined ? '' : `?after=${encodeURIComponent(this.feedCursor)}`;
    return {
      kind: 'feedPoll',
      method: 'GET',
      path: `/api/clinics/${this.clinicId}/feed${query}`,
      accept: (_status, text) => {
        const page = JSON.parse(text) as { items: unknown[]; nextCursor: string };
        this.feedItemsReceived += page.items.length;
        this.feedCursor = page.nextCursor;
        return undefined;
      },
    };
  }

  /** A patient checks in (acquire), stays (renew), leaves (release); then the next patient. */
  nextLeaseStep(): PlannedRequest {
    const lease = this.heldLease;
    if (lease === undefined) {
      const patientId = this.patientIds[this.random.nextInt(this.patientIds.length)]!;
      return {
        kind: 'leaseAcquire',
        method: 'POST',
        path: `/api/clinics/${this.clinicId}/leases`,
        body: JSON.stringify({ patientId }),
        accept: (status, text) => {
          this.heldLease = { leaseId: (JSON.parse(text) as { leaseId: string }).leaseId, renewed: false };
          return status === 201 ? undefined : `lease acquire answered ${status}, not 201 (a new grant)`;
        },
      };
    }
    if (!lease.renewed) {
      lease.renewed = true;
      return { kind: 'leaseRenew', method: 'POST', path: `/api/leases/${lease.leaseId}/renew`, accept: () => undefined };
    }
    this.heldLease = undefined;
    return { kind: 'leaseRelease', method: 'DELETE', path: `/api/leases/${lease.leaseId}`, accept: () => undefined };
  }
}
