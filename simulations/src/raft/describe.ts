// One-line, deterministic text for results and Readys: what the trace prints. Messages and entries are
// described by the core's own describer, shared with the scripted unit tests.
import { describeEntries } from '../../../leader-worker/src/raft/describe-message.js';
import type { ProposeResult, Ready, RequestResult } from '../../../leader-worker/src/raft/types.js';

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
  if (ready.entries.length > 0) parts.push(`persist ${describeEntries(ready.entries)}`);
  if (ready.messages.length > 0) parts.push(`send=${ready.messages.length}`);
  if (ready.committedEntries.length > 0) parts.push(`apply ${describeEntries(ready.committedEntries)}`);
  if (ready.readStates.length > 0) parts.push(`reads=${ready.readStates.map((read) => `${read.readContext}@${read.index}`).join(',')}`);
  return parts.join(' ');
}
