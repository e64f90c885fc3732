// Bounds on what one upload of committed log entries may bring. Each is checked before anything is stored,
// and a test goes past each.
import { httpLimits } from '../http/http-limits.js';

export const ingestLimits = {
  /** Entries in one upload. Leaders upload about 500 at a time; more waits for the next request. */
  entriesPerBatchMax: 1000,
  /**
   * Command bytes (decoded) in one upload. Base64 adds a third and JSON a little more, so a batch at this
   * limit still fits under the HTTP body limit; a larger one is refused by name instead of by body size.
   */
  batchDataBytesMax: 512 * 1024,
  /** Bytes of one command. A chart note of 20,000 characters is well under 100 KiB of MessagePack. */
  entryDataBytesMax: 256 * 1024,
  /** A device's node id in a membership change ("<clinic>/<device>"). Same bound as the log_entries column. */
  nodeIdCharactersMax: 200,
};

// The batch limit must leave room for base64 (4/3) and the JSON around each entry inside the body limit.
if ((ingestLimits.batchDataBytesMax * 4) / 3 + ingestLimits.entriesPerBatchMax * 100 > httpLimits.jsonBodyBytesMax) {
  throw new Error('ingestLimits.batchDataBytesMax does not fit in httpLimits.jsonBodyBytesMax once encoded');
}
