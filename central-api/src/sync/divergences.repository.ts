// Records refused divergent entries for ops.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Divergence } from './log-batch.js';
import { payloadDigest } from '../log-store/log-entry.js';

@Injectable()
export class DivergencesRepository {
  /** Inside the upload's transaction; the same differing entry uploaded again counts as one more occurrence. */
  async record(manager: EntityManager, clinicId: string, deviceId: string, divergence: Divergence): Promise<void> {
    const { stored, received } = divergence;
    await manager.query(
      `INSERT INTO log_divergences
         (clinic_id, log_index, stored_term, stored_kind, stored_digest, received_term, received_kind, received_digest, device_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (clinic_id, log_index, received_term, received_digest)
       DO UPDATE SET occurrences = log_divergences.occurrences + 1, last_seen_at = now(), device_id = EXCLUDED.device_id,
         -- A divergence ops resolved that comes back is open again: whatever they did did not stop it.
         resolved_at = NULL, resolution = NULL`,
      [clinicId, received.index, stored.term, stored.kind, payloadDigest(stored), received.term, received.kind, payloadDigest(received), deviceId],
    );
  }
}
