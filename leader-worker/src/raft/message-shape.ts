// Whether a message is consistent with itself, whatever state its sender is in. The wire layer
// (wire/raft-message-validation.ts) guarantees types and non-negative integers; these are the relations
// between fields that Figure 2 takes for granted and that a follower can check without trusting anyone.
// The core drops a message that fails them (counted in droppedMessages): acting on one could acknowledge
// or commit more than the message proves, or break an invariant the log asserts.
import type { Entry, Message } from './types.js';

export function isWellFormed(message: Message): boolean {
  switch (message.type) {
    case 'append':
      return entriesFollow(message.prevLogIndex, message.prevLogTerm, message.term, message.entries);
    case 'installSnapshot':
      // A leader's log holds no entry of a term after its own (§5.3), so neither does its snapshot.
      return message.snapshot.term <= message.term;
    default:
      return true;
  }
}

/**
 * The entries are a piece of one leader's log right after prevLogIndex@prevLogTerm: indexes contiguous from
 * prevLogIndex + 1 (so the last one is the last index the append proves, Figure 2 rule 5), terms never
 * decreasing (Log Matching, §5.3), and none after the sender's term.
 */
function entriesFollow(prevLogIndex: number, prevLogTerm: number, senderTerm: number, entries: readonly Entry[]): boolean {
  let previousTerm = prevLogTerm;
  for (const [offset, entry] of entries.entries()) {
    if (entry.index !== prevLogIndex + 1 + offset || entry.term < previousTerm || entry.term > senderTerm) return false;
    previousTerm = entry.term;
  }
  return true;
}
