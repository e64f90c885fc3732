// Messages a device sends when it cannot store a clinician's write itself (its disk is full): it asks a
// peer to hold the write durably in that peer's outbox and propose it, and the peer answers once it has.
// Validated like Raft messages: rebuilt field by field, unknown fields dropped, every limit named.
import type { NodeId } from '../raft/types.js';
import { bytes, count, Invalid, list, nodeId, parseWith, record, type Fields, type ParseResult } from './field-readers.js';

/** Writes in one request: a device hands over its whole unapplied backlog, never more than this. */
export const heldWritesPerRequestMax = 1_024;
export const clientIdLengthMax = 128;

export interface HeldWrite extends WriteIdentity {
  /** The command as the device encoded it for its own outbox. */
  readonly command: Uint8Array;
}

/** "Store these writes durably and propose them, in this order." */
export interface HoldWritesRequest {
  readonly type: 'holdWrites';
  readonly from: NodeId;
  readonly to: NodeId;
  readonly requestId: number;
  readonly writes: readonly HeldWrite[];
}

/**
 * "Every write of request `requestId` is durably in my outbox, or already applied here: these ones", so the
 * device stops carrying those in its later requests (it cannot see them applied while its storage is broken).
 */
export interface WritesHeldReply {
  readonly type: 'writesHeld';
  readonly from: NodeId;
  readonly to: NodeId;
  readonly requestId: number;
  readonly alreadyApplied: readonly WriteIdentity[];
}

export interface WriteIdentity {
  readonly clientId: string;
  readonly sequence: number;
}

export type SafekeepingMessage = HoldWritesRequest | WritesHeldReply;

export const safekeepingMessageTypes: ReadonlySet<string> = new Set<SafekeepingMessage['type']>(['holdWrites', 'writesHeld']);

export function parseSafekeepingMessage(value: unknown): ParseResult<SafekeepingMessage> {
  return parseWith(readSafekeepingMessage, value);
}

function readSafekeepingMessage(value: unknown): SafekeepingMessage {
  const fields = record(value, 'message');
  const base = { from: nodeId(fields.from, 'from'), to: nodeId(fields.to, 'to'), requestId: count(fields.requestId, 'requestId') };
  switch (fields.type) {
    case 'holdWrites':
      return { ...base, type: 'holdWrites', writes: list(fields.writes, 'writes', heldWritesPerRequestMax).map(heldWrite) };
    case 'writesHeld':
      return { ...base, type: 'writesHeld', alreadyApplied: list(fields.alreadyApplied, 'alreadyApplied', heldWritesPerRequestMax).map(writeIdentity) };
    default:
      throw new Invalid(`unknown safekeeping message type ${JSON.stringify(fields.type)}`);
  }
}

function heldWrite(value: unknown, position: number): HeldWrite {
  const where = `writes[${position}]`;
  return { ...identityAt(record(value, where), where), command: bytes(record(value, where).command, `${where}.command`) };
}

function writeIdentity(value: unknown, position: number): WriteIdentity {
  const where = `alreadyApplied[${position}]`;
  return identityAt(record(value, where), where);
}

function identityAt(fields: Fields, where: string): WriteIdentity {
  const clientId = fields.clientId;
  if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > clientIdLengthMax) {
    throw new Invalid(`${where}.clientId must be a string of 1 to ${clientIdLengthMax} characters`);
  }
  const sequence = count(fields.sequence, `${where}.sequence`);
  if (sequence === 0) throw new Invalid(`${where}.sequence must be positive`);
  return { clientId, sequence };
}
