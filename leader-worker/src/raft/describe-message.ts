// One line of deterministic text per message, for traces, scripted tests and logs:
// "type from->to tTERM", then what matters for that type. Positions print as index@term.
import type { Entry, Message } from './types.js';

/** Appends with more entries than this print as a range, so long traces stay readable. */
const entriesListedMax = 4;

export function describeMessage(message: Message): string {
  const head = `${message.type} ${message.from}->${message.to} t${message.term}`;
  switch (message.type) {
    case 'preVote':
      return `${head} last=${message.lastLogIndex}@${message.lastLogTerm}`;
    case 'vote':
      return `${head} last=${message.lastLogIndex}@${message.lastLogTerm}${message.transfer ? ' transfer' : ''}`;
    case 'preVoteResponse':
    case 'voteResponse':
      return `${head} ${message.granted ? 'granted' : 'rejected'}`;
    case 'append':
      return `${head} prev=${message.prevLogIndex}@${message.prevLogTerm} entries=${describeEntries(message.entries)} commit=${message.commitIndex}`;
    case 'appendResponse':
      return message.rejected ? `${head} rejected index=${message.index} hint=${message.hintIndex}@${message.hintTerm}` : `${head} index=${message.index}`;
    case 'heartbeat':
      return `${head} commit=${message.commitIndex}${message.readContext === null ? '' : ` read=${message.readContext}`}`;
    case 'heartbeatResponse':
      return message.readContext === null ? head : `${head} read=${message.readContext}`;
    case 'installSnapshot':
      return `${head} snapshot=${message.snapshot.index}@${message.snapshot.term}`;
    case 'propose':
      return `${head} entries=${message.payloads.length}`;
    case 'timeoutNow':
      return head;
    case 'readIndex':
      return `${head} read=${message.readContext}`;
    case 'readIndexResponse':
      return `${head} read=${message.readContext} index=${message.index}`;
  }
}

/** `[5@2 6@2]`, or `[5@2..20@3 (16)]` past entriesListedMax. */
export function describeEntries(entries: readonly Entry[]): string {
  const first = entries[0];
  const last = entries[entries.length - 1];
  if (first === undefined || last === undefined) return '[]';
  if (entries.length <= entriesListedMax) return `[${entries.map((entry) => `${entry.index}@${entry.term}`).join(' ')}]`;
  return `[${first.index}@${first.term}..${last.index}@${last.term} (${entries.length})]`;
}
