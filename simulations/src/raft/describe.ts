// One-line, deterministic text for messages, entries and results: what the trace prints.
import type { Entry, Message, ProposeResult, Ready, RequestResult } from '../../../leader-worker/src/raft/types.js';

export function describeMessage(message: Message): string {
  const head = `${message.from}->${message.to} ${message.type} t${message.term}`;
  switch (message.type) {
    case 'preVote':
    case 'vote':
      return `${head} last=${message.lastLogIndex}/${message.lastLogTerm}${message.type === 'vote' && message.transfer ? ' transfer' : ''}`;
    case 'preVoteResponse':
    case 'voteResponse':
      return `${head} ${message.granted ? 'granted' : 'rejected'}`;
    case 'append':
      return `${head} prev=${message.prevLogIndex}/${message.prevLogTerm} ${describeEntryRange(message.entries)} commit=${message.commitIndex}`;
    case 'appendResponse':
      return `${head} ${message.rejected ? `rejected hint=${message.hintIndex}/${message.hintTerm}` : 'ok'} index=${message.index}`;
    case 'heartbeat':
      return `${head} commit=${message.commitIndex}${message.readContext === null ? '' : ` read=${message.readContext}`}`;
    case 'heartbeatResponse':
      return message.readContext === null ? head : `${head} read=${message.readContext}`;
    case 'installSnapshot':
      return `${head} snapshot=${message.snapshot.index}/${message.snapshot.term}`;
    case 'propose':
      return `${head} payloads=${message.payloads.length}`;
    case 'timeoutNow':
      return head;
    case 'readIndex':
      return `${head} read=${message.readContext}`;
    case 'readIndexResponse':
      return `${head} read=${message.readContext} index=${message.index}`;
  }
}

export function describeEntryRange(entries: readonly Entry[]): string {
  const first = entries[0];
  const last = entries[entries.length - 1];
  if (first === undefined || last === undefined) return 'entries=none';
  return first === last ? `entries=${first.index}/${first.term}` : `entries=${first.index}..${last.index}/${last.term}`;
}

export function describeResult(result: ProposeResult | RequestResult): string {
  switch (result.type) {
    case 'appended':
      return `appended ${result.index}/${result.term}`;
    case 'accepted':
      return 'accepted';
    case 'forwarded':
      return `forwarded to ${result.leaderId}`;
    case 'refused':
      return `refused ${result.reason}`;
  }
}

/** What a Ready asked the driver to do, for the trace. */
export function describeReady(ready: Ready): string {
  const parts: string[] = [];
  if (ready.softState !== null) parts.push(`soft=${ready.softState.role}/t${ready.softState.term}/leader=${ready.softState.leaderId ?? '-'}`);
  if (ready.hardState !== null) {
    const hardState = ready.hardState;
    parts.push(`hard=t${hardState.term}/vote=${hardState.votedFor ?? '-'}/commit=${hardState.commitIndex}`);
  }
  if (ready.snapshot !== null) parts.push(`snapshot=${ready.snapshot.index}/${ready.snapshot.term}`);
  if (ready.entries.length > 0) parts.push(`persist ${describeEntryRange(ready.entries)}`);
  if (ready.messages.length > 0) parts.push(`send=${ready.messages.length}`);
  if (ready.committedEntries.length > 0) parts.push(`apply ${describeEntryRange(ready.committedEntries)}`);
  if (ready.readStates.length > 0) parts.push(`reads=${ready.readStates.map((read) => `${read.readContext}@${read.index}`).join(',')}`);
  return parts.join(' ');
}
