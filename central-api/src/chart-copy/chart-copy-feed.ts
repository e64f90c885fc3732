// Feeding one stored entry to a clinic's copy, and noting what the projection records for it: the apply
// outcome ops see, and (lease-policy clinics) the write lease fencing checks. A replay of entries already
// recorded feeds with no notes.
import { assert } from '../../../leader-worker/src/invariants/assert.js';
import type { ChartWrite } from '../feed/chart-change-export.js';
import { decodeCommand, feedClientId, touchedPatient, writtenEpoch } from '../../../leader-worker/src/chart/index.js';
import type { LeasedWrite } from '../leases/lease-fencing.js';
import type { StoredEntry } from '../log-store/log-entry.js';
import { applyOutcomeRecord, type ApplyOutcomeRecord } from './apply-outcome.js';
import type { CachedCopy } from './chart-machine-cache.js';

/** What a projection step collects, in log order. */
export interface FeedNotes {
  readonly outcomes: ApplyOutcomeRecord[];
  /** Collected only when `fencing`: accepted commands that wrote to a named patient's chart. */
  readonly leasedWrites: LeasedWrite[];
  /** Accepted commands that wrote to a named patient's chart, for the other clinics holding that patient. */
  readonly chartWrites: ChartWrite[];
  readonly fencing: boolean;
}

export function emptyNotes(fencing: boolean): FeedNotes {
  return { outcomes: [], leasedWrites: [], chartWrites: [], fencing };
}

/** Applies the next entry of the log (noops and membership changes only move the index); notes it if asked. */
export function feedEntry(copy: CachedCopy, entry: StoredEntry, notes: FeedNotes | null): void {
  assert(entry.index === copy.appliedIndex + 1, `entry ${entry.index} fed to a copy at ${copy.appliedIndex}`);
  copy.appliedIndex = entry.index;
  if (entry.kind !== 'command') return;
  const command = decodeCommand(entry.data);
  const { machine } = copy;
  if (notes === null) {
    machine.apply(entry.index, command, entry.leaderTimeMs);
    return;
  }
  // Read before the apply: the lease the write was made under, not one the entry itself might change, and the
  // chart a record belongs to even if the entry marks it entered-in-error.
  const patientId = touchedPatient(machine, command);
  const epoch = patientId === null || !notes.fencing ? 0 : writtenEpoch(machine, patientId, machine.clinicId);
  const result = machine.apply(entry.index, command, entry.leaderTimeMs);
  const outcome = applyOutcomeRecord(entry.index, command, result);
  if (outcome !== null) notes.outcomes.push(outcome);
  // Rejected commands and retried duplicates changed nothing: there is nothing to fence or to export.
  if (patientId !== null && (result.type === 'applied' || result.type === 'conflict')) {
    // An import from central's feed (a lab result, another clinic's write) is not this clinic writing to the chart.
    const imported = (command as { clientId?: unknown }).clientId === feedClientId;
    if (notes.fencing && !imported) notes.leasedWrites.push({ logIndex: entry.index, patientId, writtenEpoch: epoch });
    notes.chartWrites.push({ logIndex: entry.index, patientId, envelope: command as Record<string, unknown> });
  }
}
