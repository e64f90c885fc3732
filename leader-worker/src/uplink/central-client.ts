// What the clinic's leader asks of central (the uplink, the feed import, the lease keeper), whatever carries it: HTTP in the Worker (http-central-client.ts), the
// simulator's fake on its virtual clock. One contract suite runs against both (central-api/test/uplink/ against
// the real API; the simulator's with its fake), so the fake cannot answer what the real API never would.
import type { CentralAnswer } from './uplink-decisions.js';
import type { FeedPageQueryParameters, UploadLogBody } from './central-protocol.js';
import type { FeedAnswer } from '../feed-import/feed-import-decisions.js';
import type { AcquireAnswer, ReleaseAnswer } from '../chart-leases/lease-keeper-decisions.js';

export interface CentralClient {
  /** How far central holds the clinic's log: 'acknowledged', 'unavailable' or 'refused'; never rejects. */
  acknowledgedIndex(): Promise<CentralAnswer>;
  /** Uploads committed entries: 'acknowledged', 'gap', 'unavailable' or 'refused'; never rejects. */
  upload(body: UploadLogBody): Promise<CentralAnswer>;
  /** Acquires the chart's lease for the clinic, or extends the one it holds: 'granted', 'heldElsewhere', 'unavailable' or 'refused'. */
  acquireLease(patientId: string): Promise<AcquireAnswer>;
  /** Releases a lease: 'released', 'gone' (released before, or no such lease), 'unavailable' or 'refused'. */
  releaseLease(leaseId: string): Promise<ReleaseAnswer>;
  /**
   * Reads the clinic's feed after a sequence, long-polling with waitMs: 'items', 'unavailable' or 'refused'; never
   * rejects. `abandon` ends a long-poll the caller no longer wants (it stopped leading): 'unavailable' at once.
   */
  readFeed(query: Required<Pick<FeedPageQueryParameters, 'afterSequence' | 'limit' | 'waitMs'>>, abandon?: AbortSignal): Promise<FeedAnswer>;
}
