// The upload body as the uplink sends it on the cellular link: the same batch as the JSON body (UploadLogBody),
// in MessagePack with each command's bytes as they are, then gzip. Base64 inside JSON hides the repeats in the
// commands from gzip (the text no longer lines up), so the JSON body compressed to about 1.4 times this one for
// a visit's entries: the clinic pays for every byte. Central reads both (central-api/src/sync/log-batch-body.ts).
import { encode } from '@msgpack/msgpack';
import { base64ToBytes } from './base64.js';
import type { UploadLogBody } from './central-protocol.js';

/** The Content-Type of the binary upload body. */
export const logBatchMediaType = 'application/vnd.clinic-mesh.log-batch+msgpack';

/** The batch in MessagePack: the fields of UploadLogBody, `data` as bytes instead of base64. */
export function encodeLogBatch(body: UploadLogBody): Uint8Array {
  return encode({
    fromIndex: body.fromIndex,
    ...(body.leaderCommitIndex === undefined ? {} : { leaderCommitIndex: body.leaderCommitIndex }),
    ...(body.leaderClockMs === undefined ? {} : { leaderClockMs: body.leaderClockMs }),
    entries: body.entries.map((entry) => (entry.data === undefined ? entry : { ...entry, data: base64ToBytes(entry.data) })),
  });
}
