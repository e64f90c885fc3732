// One clinic's stored log at the simulated central, taking uploads by the real API's pure rules
// (central-api/src/sync/log-batch.ts: parseBatch, planBatch, firstDivergence), and keeping count of how often
// each index was stored, so "stored exactly once" can be checked rather than assumed.
import type { UploadLogBody } from '../../../../leader-worker/src/uplink/central-protocol.js';
import type { UploadLogRequest } from '../../../../central-api/src/sync/dto/upload-log.request.js';
import { firstDivergence, parseBatch, planBatch } from '../../../../central-api/src/sync/log-batch.js';
import type { StoredEntry } from '../../../../central-api/src/log-store/log-entry.js';

/** How central answers one upload, as the HTTP API would (its status and what the body says). */
export type UploadResult =
  | { readonly kind: 'acknowledged'; readonly acknowledgedIndex: number; readonly stored: readonly StoredEntry[] }
  | { readonly kind: 'gap'; readonly expectedIndex: number }
  | { readonly kind: 'divergent'; readonly index: number }
  | { readonly kind: 'invalid'; readonly status: 400 | 413; readonly message: string };

export class CentralLog {
  /** entries[i] is index i + 1. Invariant: entries.length === acknowledgedIndex. */
  private readonly entries: StoredEntry[] = [];
  /** Per index, how many times an upload stored it: 1 for every index, or a rule was broken. */
  private readonly storeCounts: number[] = [];
  divergences = 0;

  get acknowledgedIndex(): number {
    return this.entries.length;
  }

  /** One upload under the clinic's lock (here: the simulator runs one request at a time). */
  upload(body: UploadLogBody): UploadResult {
    // The DTO class adds only decorators to the shared wire type: the same fields.
    const batch = parseBatch(body as UploadLogRequest);
    if (!batch.ok) return { kind: 'invalid', status: batch.status, message: batch.message };
    const plan = planBatch(this.acknowledgedIndex, body.fromIndex, batch.entries);
    if (plan.kind === 'gap') return plan;
    if (plan.replayed.length > 0) {
      const first = plan.replayed[0]!.index;
      const divergence = firstDivergence(this.entries.slice(first - 1, first - 1 + plan.replayed.length), plan.replayed);
      if (divergence !== null) {
        this.divergences++;
        return { kind: 'divergent', index: divergence.received.index };
      }
    }
    for (const entry of plan.fresh) {
      this.entries.push(entry);
      this.storeCounts[entry.index] = (this.storeCounts[entry.index] ?? 0) + 1;
    }
    return { kind: 'acknowledged', acknowledgedIndex: this.acknowledgedIndex, stored: plan.fresh };
  }

  entryAt(index: number): StoredEntry | undefined {
    return this.entries[index - 1];
  }

  /** Indexes stored other than exactly once (none, or a rule was broken). */
  indexesNotStoredOnce(): number[] {
    const wrong: number[] = [];
    for (let index = 1; index <= this.acknowledgedIndex; index++) if (this.storeCounts[index] !== 1) wrong.push(index);
    return wrong;
  }
}
