// Downloads a clinic's sync horizon into its feed: finds the patients the horizon brings that the clinic does not
// hold, and queues each one's registration and history as feed items, a few patients per transaction, so the
// clinic's leader imports them into the clinic log and every device holds them. Resumable by construction: a
// patient queued is a patient held (patient_horizons), so a fill cut off by a crash or a restart is picked up
// by the sweep and goes on with the patients not held yet; several API processes filling one clinic at once
// bring each patient once (the per-patient locks and ON CONFLICT of startHolding).
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ChartCopyService } from '../chart-copy/chart-copy.service.js';
import { ChartChangeExport } from '../feed/chart-change-export.js';
import { horizonLimits } from './horizon-limits.js';
import { HorizonRepository, type StoredFill, type StoredHorizon } from './horizon.repository.js';
import { asksChartCopy, fillDue, horizonCriteriaAt, refreshCutoff, unionInOrder } from './horizon-rules.js';

/** Clinics one sweep looks at; the next sweep takes the rest. */
const sweepClinicsMax = 100;

@Injectable()
export class HorizonFiller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HorizonFiller.name);
  /** One fill per clinic in this process at a time; a request meanwhile runs it once more after. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    private readonly horizons: HorizonRepository,
    private readonly copies: ChartCopyService,
    private readonly chartChanges: ChartChangeExport,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep();
    this.sweepTimer = setInterval(() => void this.sweep(), horizonLimits.fillSweepIntervalMs);
    this.sweepTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweepTimer);
    await Promise.all(this.running.values());
  }

  /** Starts (or queues another pass of) the clinic's fill; resolves when this process's fill of it ends. */
  request(clinicId: string): Promise<void> {
    const current = this.running.get(clinicId);
    if (current !== undefined) {
      this.again.add(clinicId);
      return current;
    }
    const run = (async () => {
      try {
        do {
          this.again.delete(clinicId);
          await this.fillUntilCurrent(clinicId);
        } while (this.again.has(clinicId) && !this.closing);
      } catch (error) {
        // Nothing is lost: what was queued is held, and the next sweep goes on from there.
        this.logger.warn(`filling the sync horizon of clinic ${clinicId} stopped: ${String(error)}`);
      } finally {
        this.running.delete(clinicId);
      }
    })();
    this.running.set(clinicId, run);
    return run;
  }

  private async sweep(): Promise<void> {
    try {
      for (const clinicId of await this.horizons.due(sweepClinicsMax, refreshCutoff(Date.now()))) {
        if (this.closing) return;
        void this.request(clinicId);
      }
    } catch (error) {
      this.logger.warn(`could not look for sync horizons left unfilled: ${String(error)}`);
    }
  }

  /** Fills the newest revision, or refreshes it when due; again if an admin changed the horizon while it ran. */
  private async fillUntilCurrent(clinicId: string): Promise<void> {
    for (;;) {
      const horizon = await this.horizons.find(clinicId);
      if (horizon === undefined || this.closing) return;
      const fill = await this.horizons.fill(clinicId);
      if (!fillDue(horizon.filledRevision, horizon.revision, fill, Date.now())) return;
      if (!(await this.fill(horizon, fill))) return;
      if (this.closing || (await this.horizons.finishFill(clinicId, horizon.revision))) return;
    }
  }

  /**
   * One pass over the horizon: a new revision starts its count, a pass cut off resumes it, a refresh of a
   * finished one adds the patients the calendar brought since. False when another process is refreshing it.
   */
  private async fill(horizon: StoredHorizon, current: StoredFill | undefined): Promise<boolean> {
    const { clinicId, revision, years } = horizon;
    const toBring = await this.horizons.toBring(clinicId, await this.candidates(horizon));
    if (current === undefined || current.revision !== revision) await this.horizons.startFill(clinicId, revision, toBring.length);
    else if (current.finishedAt !== null && !(await this.horizons.extendFill(clinicId, revision, toBring.length))) return false;
    for (let start = 0; start < toBring.length; start += horizonLimits.fillPatientsPerTransaction) {
      if (this.closing) return true;
      const batch = toBring.slice(start, start + horizonLimits.fillPatientsPerTransaction);
      await this.dataSource.transaction(async (manager) => {
        const lastSequences = await this.chartChanges.startHolding(manager, clinicId, batch, years);
        await this.horizons.recordQueued(manager, clinicId, [...lastSequences.values()]);
      });
    }
    return true;
  }

  /** The horizon's patients at its source clinics, in the order the admin listed the sources. */
  private async candidates(horizon: StoredHorizon): Promise<string[]> {
    const criteria = horizonCriteriaAt(horizon, Date.now());
    const lists: string[][] = [];
    for (const sourceId of horizon.fromClinicIds) {
      if (sourceId === horizon.clinicId) continue;
      if (horizon.registeredThere) lists.push(await this.horizons.registeredAt(sourceId));
      if (asksChartCopy(horizon)) lists.push(await this.copies.read(sourceId, (machine) => machine.horizonCandidates(criteria)));
    }
    return unionInOrder(lists);
  }
}
