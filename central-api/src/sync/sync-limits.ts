// Bounds on what one upload of committed log entries may bring. Each is checked before anything is stored,
// and a test goes past each.
import { httpLimits } from '../http/http-limits.js';
import { centralIngestLimits } from '../../../leader-worker/src/uplink/central-protocol.js';

/** The clinic's protocol's limits (uplink/central-protocol.ts): the uplink cuts its batches at exactly these. */
export const ingestLimits = centralIngestLimits;

// The batch limit must leave room for base64 (4/3) and the JSON around each entry inside the body limit.
if ((ingestLimits.batchDataBytesMax * 4) / 3 + ingestLimits.entriesPerBatchMax * 100 > httpLimits.jsonBodyBytesMax) {
  throw new Error('ingestLimits.batchDataBytesMax does not fit in httpLimits.jsonBodyBytesMax once encoded');
}
