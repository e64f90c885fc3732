// A base for the uplink specs' fake centrals: they script the log routes; the feed and the leases, which the
// uplink never calls, answer 'unavailable' (the feed import and the lease keeper have specs of their own).
import type { AcquireAnswer, ReleaseAnswer } from '../../src/chart-leases/lease-keeper-decisions.js';
import type { FeedAnswer } from '../../src/feed-import/feed-import-decisions.js';
import type { CentralClient } from '../../src/uplink/central-client.js';
import type { UploadLogBody } from '../../src/uplink/central-protocol.js';
import type { CentralAnswer } from '../../src/uplink/uplink-decisions.js';

export abstract class UploadOnlyCentral implements CentralClient {
  abstract acknowledgedIndex(): Promise<CentralAnswer>;
  abstract upload(body: UploadLogBody): Promise<CentralAnswer>;

  readFeed(): Promise<FeedAnswer> {
    return Promise.resolve({ type: 'unavailable' });
  }

  acquireLease(): Promise<AcquireAnswer> {
    return Promise.resolve({ type: 'unavailable' });
  }

  releaseLease(): Promise<ReleaseAnswer> {
    return Promise.resolve({ type: 'unavailable' });
  }
}
