// What a node id may be, wherever one arrives from outside the core: the wire codec, the transports' frames,
// the Worker's config. One bound, so a device id one part accepts is never refused by another.
import type { NodeId } from './types.js';

/** Longest node (device) id: a clinic's device names and the ids derived from them fit with room to spare. */
export const nodeIdLengthMax = 128;

export function isNodeId(value: unknown): value is NodeId {
  return typeof value === 'string' && value.length > 0 && value.length <= nodeIdLengthMax;
}
