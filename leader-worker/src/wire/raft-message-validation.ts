// Turns a decoded, untrusted value into a Raft `Message`, or says exactly why it is not one. Peers can be
// buggy, old, or hostile: nothing reaches the core that this file has not rebuilt field by field, so unknown
// fields are dropped and every number is a non-negative safe integer.
import type { Entry, EntryPayload, Membership, MembershipChange, Message, Snapshot } from '../raft/types.js';
import { bytes, count, flag, Invalid, list, nodeId, parseWith, record, type ParseResult } from './field-readers.js';

export const readContextLengthMax = 256;
/** Entries in one append or proposal; the core sends far fewer (limited by bytes). */
export const entriesPerMessageMax = 100_000;
export const membersMax = 64;

export function parseRaftMessage(value: unknown): ParseResult<Message> {
  return parseWith(readMessage, value);
}

function readMessage(value: unknown): Message {
  const fields = record(value, 'message');
  const base = { from: nodeId(fields.from, 'from'), to: nodeId(fields.to, 'to'), term: count(fields.term, 'term') };
  const type = fields.type;
  switch (type) {
    case 'preVote':
    case 'vote': {
      const request = { ...base, lastLogIndex: count(fields.lastLogIndex, 'lastLogIndex'), lastLogTerm: count(fields.lastLogTerm, 'lastLogTerm') };
      return type === 'preVote' ? { ...request, type } : { ...request, type, transfer: flag(fields.transfer, 'transfer') };
    }
    case 'preVoteResponse':
    case 'voteResponse':
      return { ...base, type, granted: flag(fields.granted, 'granted') };
    case 'append':
      return {
        ...base,
        type,
        prevLogIndex: count(fields.prevLogIndex, 'prevLogIndex'),
        prevLogTerm: count(fields.prevLogTerm, 'prevLogTerm'),
        entries: list(fields.entries, 'entries', entriesPerMessageMax).map(entry),
        commitIndex: count(fields.commitIndex, 'commitIndex'),
      };
    case 'appendResponse':
      return {
        ...base,
        type,
        index: count(fields.index, 'index'),
        rejected: flag(fields.rejected, 'rejected'),
        hintIndex: count(fields.hintIndex, 'hintIndex'),
        hintTerm: count(fields.hintTerm, 'hintTerm'),
      };
    case 'heartbeat':
      return { ...base, type, commitIndex: count(fields.commitIndex, 'commitIndex'), readContext: optionalReadContext(fields.readContext) };
    case 'heartbeatResponse':
      return { ...base, type, readContext: optionalReadContext(fields.readContext) };
    case 'installSnapshot':
      return { ...base, type, snapshot: snapshot(fields.snapshot) };
    case 'propose':
      return { ...base, type, payloads: list(fields.payloads, 'payloads', entriesPerMessageMax).map((item) => payload(item, 'payloads[]')) };
    case 'timeoutNow':
      return { ...base, type };
    case 'readIndex':
      return { ...base, type, readContext: readContext(fields.readContext) };
    case 'readIndexResponse':
      return { ...base, type, readContext: readContext(fields.readContext), index: count(fields.index, 'index') };
    default:
      throw new Invalid(`unknown message type ${JSON.stringify(type)}`);
  }
}

function entry(value: unknown, position: number): Entry {
  const fields = record(value, `entries[${position}]`);
  const base = { ...payload(fields, `entries[${position}]`), index: count(fields.index, 'entry index'), term: count(fields.term, 'entry term') };
  // Entries appended by a leader without a clock, or before leader times existed, carry none.
  return fields.leaderTimeMs === undefined ? base : { ...base, leaderTimeMs: count(fields.leaderTimeMs, 'entry leaderTimeMs') };
}

function payload(value: unknown, where: string): EntryPayload {
  const fields = record(value, where);
  switch (fields.type) {
    case 'noop':
      return { type: 'noop' };
    case 'command':
      return { type: 'command', data: bytes(fields.data, `${where}.data`) };
    case 'membership':
      return { type: 'membership', change: membershipChange(fields.change) };
    default:
      throw new Invalid(`${where} has unknown payload type ${JSON.stringify(fields.type)}`);
  }
}

function membershipChange(value: unknown): MembershipChange {
  const fields = record(value, 'membership change');
  const id = nodeId(fields.nodeId, 'membership change nodeId');
  switch (fields.type) {
    case 'addLearner':
    case 'addVoter':
    case 'removeNode':
      return { type: fields.type, nodeId: id };
    default:
      throw new Invalid(`unknown membership change ${JSON.stringify(fields.type)}`);
  }
}

function snapshot(value: unknown): Snapshot {
  const fields = record(value, 'snapshot');
  return { index: count(fields.index, 'snapshot index'), term: count(fields.term, 'snapshot term'), membership: membership(fields.membership), data: bytes(fields.data, 'snapshot.data') };
}

function membership(value: unknown): Membership {
  const fields = record(value, 'membership');
  const voters = list(fields.voters, 'voters', membersMax).map((id) => nodeId(id, 'voter'));
  const learners = list(fields.learners, 'learners', membersMax).map((id) => nodeId(id, 'learner'));
  if (new Set([...voters, ...learners]).size !== voters.length + learners.length) throw new Invalid('membership lists a node twice');
  return { voters, learners };
}

function readContext(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > readContextLengthMax) {
    throw new Invalid(`readContext must be a string of 1 to ${readContextLengthMax} characters`);
  }
  return value;
}

function optionalReadContext(value: unknown): string | null {
  return value === null || value === undefined ? null : readContext(value);
}
