// Reads the uplink's binary upload body (leader-worker/src/uplink/log-batch-encoding.ts): MessagePack, usually
// gzip, of the same batch as the JSON body with command bytes as they are. It becomes the JSON body's shape
// (bytes as canonical base64), so one validation, one ingest and one comparison with stored entries serve both.
import { BadRequestException } from '@nestjs/common';
import { decode } from '@msgpack/msgpack';
import type { NextFunction, Request, Response } from 'express';
import { logBatchMediaType } from '../../../leader-worker/src/uplink/log-batch-encoding.js';
import { ingestLimits } from './sync-limits.js';

/** Bounds MessagePack decoding of an untrusted body to what a batch can hold, before validation looks at it. */
const decodeLimits = {
  maxStrLength: ingestLimits.nodeIdCharactersMax * 4,
  maxBinLength: ingestLimits.entryDataBytesMax,
  maxArrayLength: ingestLimits.entriesPerBatchMax,
  maxMapLength: 16,
  maxExtLength: 0,
};

export { logBatchMediaType };

/**
 * Express middleware, after the raw body parser for logBatchMediaType (which inflates gzip and leaves a Buffer):
 * the batch decoded into the JSON body's shape.
 */
export function convertLogBatchBody(request: Request, _response: Response, next: NextFunction): void {
  if (!Buffer.isBuffer(request.body)) return next();
  try {
    request.body = withBase64Data(decode(request.body, decodeLimits));
    next();
  } catch (error) {
    next(new BadRequestException(`The request body is not a MessagePack log batch: ${error instanceof Error ? error.message : String(error)}`));
  }
}

/** The decoded batch with each entry's `data` bytes as canonical base64; anything else is left for validation to judge. */
function withBase64Data(batch: unknown): unknown {
  if (typeof batch !== 'object' || batch === null || !Array.isArray((batch as { entries?: unknown }).entries)) return batch;
  const { entries } = batch as { entries: unknown[] };
  return {
    ...batch,
    entries: entries.map((entry) => {
      if (typeof entry !== 'object' || entry === null || !((entry as { data?: unknown }).data instanceof Uint8Array)) return entry;
      const data = (entry as { data: Uint8Array }).data;
      return { ...entry, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
    }),
  };
}
