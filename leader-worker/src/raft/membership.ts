// Membership arithmetic: who votes, what a quorum is, and whether a one-step change is valid.
import type { Membership, MembershipChange, NodeId, RefusalReason } from './types.js';

export function isVoter(membership: Membership, id: NodeId): boolean {
  return membership.voters.includes(id);
}

export function isMember(membership: Membership, id: NodeId): boolean {
  return membership.voters.includes(id) || membership.learners.includes(id);
}

export function members(membership: Membership): NodeId[] {
  return [...membership.voters, ...membership.learners];
}

export function quorumSize(membership: Membership): number {
  return Math.floor(membership.voters.length / 2) + 1;
}

/** Why `change` may not be applied to `membership`, or null when it may. */
export function membershipChangeRefusal(membership: Membership, change: MembershipChange): RefusalReason | null {
  switch (change.type) {
    case 'addLearner':
      return isMember(membership, change.nodeId) ? 'invalidMembershipChange' : null;
    case 'addVoter':
      return isVoter(membership, change.nodeId) ? 'invalidMembershipChange' : null;
    case 'removeNode':
      if (!isMember(membership, change.nodeId)) return 'invalidMembershipChange';
      return isVoter(membership, change.nodeId) && membership.voters.length === 1 ? 'invalidMembershipChange' : null;
  }
}

export function applyMembershipChange(membership: Membership, change: MembershipChange): Membership {
  const voters = membership.voters.filter((id) => id !== change.nodeId);
  const learners = membership.learners.filter((id) => id !== change.nodeId);
  switch (change.type) {
    case 'addLearner':
      return { voters, learners: [...learners, change.nodeId] };
    case 'addVoter':
      return { voters: [...voters, change.nodeId], learners };
    case 'removeNode':
      return { voters, learners };
  }
}
