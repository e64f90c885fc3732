// Log ingest: a clinic's leader uploads committed entries in order; central stores them idempotently by
// (clinic, index), one transaction per batch. Central's chart copy is a projection of the stored log that
// catches up after the commit (charts/chart-copy.service.ts): storing is all an acknowledgement waits for.
//
// Per batch, under the lock on the clinic's sync state row (so an old and a new leader racing never
// interleave, whichever API processes they reach):
//   1. a batch starting past acknowledged + 1 is refused: 409 with the expected index;
//   2. entries at or below the acknowledged index are compared with the stored ones: identical ones are
//      acknowledged again (a replayed batch changes nothing); a different one refuses the whole batch (409)
//      and is recorded as a divergence for ops;
//   3. the rest are stored in one statement and the acknowledged index moves to the batch's last entry.
// A leader uploads what follows what central holds nearly always: that batch is stored by one statement that
// checks, stores and moves the index at once (one round trip and one commit, not five round trips holding a
// pool connection); any other batch, or one that lost a race, takes the transaction that applies the rules.
import { ConflictException, HttpException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ChartCopyService } from '../chart-copy/chart-copy.service.js';
import { DivergencesRepository } from './divergences.repository.js';
import type { LogAckResponse } from './dto/log-ack.response.js';
import type { UploadLogRequest } from './dto/upload-log.request.js';
import { firstDivergence, parseBatch, planBatch } from './log-batch.js';
import { LogEntriesRepository } from '../log-store/log-entries.repository.js';
import type { StoredEntry } from '../log-store/log-entry.js';
import { SyncStatesRepository } from './sync-states.repository.js';
import { clockSkew } from '../../../leader-worker/src/uplink/central-protocol.js';

/** Expected outcomes of an upload, decided inside the transaction; only a broken database throws. */
export type UploadOutcome =
  /** `stored`: the entries this upload added (none for a replay). */
  | { readonly kind: 'acknowledged'; readonly acknowledgedIndex: number; readonly stored: readonly StoredEntry[] }
  | { readonly kind: 'clinic-not-found' }
  | { readonly kind: 'gap'; readonly expectedIndex: number }
  | { readonly kind: 'divergent'; readonly index: number; readonly acknowledgedIndex: number };

@Injectable()
export class IngestService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly syncStates: SyncStatesRepository,
    private readonly logEntries: LogEntriesRepository,
    private readonly divergences: DivergencesRepository,
    private readonly chartCopy: ChartCopyService,
  ) {}

  async acknowledged(clinicId: string): Promise<LogAckResponse> {
    const acknowledgedIndex = await this.syncStates.acknowledgedIndex(clinicId);
    if (acknowledgedIndex === undefined) throw clinicNotFound(clinicId);
    return { acknowledgedIndex };
  }

  /** `deviceId`: the uploading device, taken as the clinic's leader now. */
  async upload(clinicId: string, deviceId: string, request: UploadLogRequest): Promise<LogAckResponse> {
    // Measured on arrival, before the database is waited for: the link's delay, not ours, is in it.
    const skew = request.leaderClockMs === undefined ? null : clockSkew(request.leaderClockMs, Date.now());
    const batch = parseBatch(request);
    if (!batch.ok) throw new HttpException(batch.message, batch.status);
    this.chartCopy.uploadStarted(clinicId);
    let outcome: UploadOutcome | undefined;
    try {
      outcome =
        (await this.storeContinuing(clinicId, deviceId, request, batch.entries, skew?.skewMs ?? null)) ??
        (await this.dataSource.transaction((manager) => this.store(manager, clinicId, deviceId, request, batch.entries, skew?.skewMs ?? null)));
    } finally {
      await this.chartCopy.uploadEnded(clinicId, outcome?.kind === 'acknowledged' ? outcome : undefined);
    }
    switch (outcome.kind) {
      case 'acknowledged':
        return skew === null ? { acknowledgedIndex: outcome.acknowledgedIndex } : { acknowledgedIndex: outcome.acknowledgedIndex, clockSkewMs: skew.skewMs };
      case 'clinic-not-found':
        throw clinicNotFound(clinicId);
      case 'gap':
        throw new ConflictException({
          message: `The batch starts at index ${request.fromIndex}, but central holds entries only up to ${outcome.expectedIndex - 1}: upload from ${outcome.expectedIndex}`,
          expectedIndex: outcome.expectedIndex,
        });
      case 'divergent':
        throw new ConflictException({
          message: `Entry ${outcome.index} differs from the one central holds at that index: the batch was refused and the divergence recorded for ops`,
          divergentIndex: outcome.index,
          acknowledgedIndex: outcome.acknowledgedIndex,
        });
    }
  }

  /** Rule 3 alone, when the batch starts right after the acknowledged index; undefined when it does not. */
  private async storeContinuing(
    clinicId: string, deviceId: string, request: UploadLogRequest, entries: readonly StoredEntry[], leaderClockSkewMs: number | null,
  ): Promise<UploadOutcome | undefined> {
    if (entries.length === 0) return undefined;
    const acknowledgedIndex = request.fromIndex + entries.length - 1;
    const upload = { acknowledgedIndex, leaderDeviceId: deviceId, leaderCommitIndex: request.leaderCommitIndex ?? null, leaderClockSkewMs };
    const stored = await this.syncStates.recordContinuingUpload(clinicId, entries, upload);
    return stored ? { kind: 'acknowledged', acknowledgedIndex, stored: entries } : undefined;
  }

  private async store(
    manager: EntityManager, clinicId: string, deviceId: string, request: UploadLogRequest, entries: readonly StoredEntry[], leaderClockSkewMs: number | null,
  ): Promise<UploadOutcome> {
    const acknowledgedIndex = await this.syncStates.lockForUpload(manager, clinicId);
    if (acknowledgedIndex === undefined) return { kind: 'clinic-not-found' };
    const plan = planBatch(acknowledgedIndex, request.fromIndex, entries);
    if (plan.kind === 'gap') return plan;
    if (plan.replayed.length > 0) {
      const stored = await this.logEntries.readRange(manager, clinicId, plan.replayed[0]!.index, plan.replayed[plan.replayed.length - 1]!.index);
      const divergence = firstDivergence(stored, plan.replayed);
      if (divergence !== null) {
        await this.divergences.record(manager, clinicId, deviceId, divergence);
        return { kind: 'divergent', index: divergence.received.index, acknowledgedIndex };
      }
    }
    const newAcknowledgedIndex = Math.max(acknowledgedIndex, request.fromIndex + entries.length - 1);
    await this.logEntries.insert(manager, clinicId, plan.fresh);
    await this.syncStates.recordUpload(manager, clinicId, {
      acknowledgedIndex: newAcknowledgedIndex,
      leaderDeviceId: deviceId,
      leaderCommitIndex: request.leaderCommitIndex ?? null,
      leaderClockSkewMs,
    });
    return { kind: 'acknowledged', acknowledgedIndex: newAcknowledgedIndex, stored: plan.fresh };
  }
}

function clinicNotFound(clinicId: string): NotFoundException {
  return new NotFoundException(`Clinic ${clinicId} does not exist`);
}
