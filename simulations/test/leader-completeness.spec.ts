// Leader Completeness as the paper states it (Figure 3): an entry committed in term U is in the log of every
// leader of a term after U. Nothing more: a stale candidate that wins an old term after the others committed
// more in a newer one (seed 1714) breaks nothing, and the check must say so; a leader of a newer term that
// lacks such an entry breaks it, and the check must say that too. Reference: §5.4.
import type { Entry, HardState } from '../../leader-worker/src/raft/types.js';
import { EventQueue } from '../src/engine/event-queue.js';
import { SimulationViolation } from '../src/engine/violation.js';
import { DurableStorage } from '../src/raft/durable-storage.js';
import { LogHistory } from '../src/raft/invariants/log-history.js';
import { SafetyChecker, type CheckedNode } from '../src/raft/invariants/safety-checker.js';
import { clientSessionMachineView } from '../src/raft/state-machine.js';

function entries(from: number, to: number, term: number): Entry[] {
  return Array.from({ length: to - from + 1 }, (_, offset): Entry => ({ index: from + offset, term, type: 'noop' }));
}

/** A node whose disk holds `log` with the given hard state. */
function nodeWith(id: string, log: readonly Entry[], hardState: HardState): CheckedNode {
  const storage = new DurableStorage({
    hardState, snapshot: { index: 0, term: 0, membership: { voters: [], learners: [] }, data: new Uint8Array(0) }, entries: log, appliedIndex: 0,
  });
  return { id, incarnation: 1, storage, stateHash: () => 'unused' };
}

/** `witness` persists a commit index of `commitIndex` in term `term`: every entry up to it is committed in that term. */
function commit(safety: SafetyChecker, witness: CheckedNode): void {
  safety.persisted(witness, { snapshot: null, entries: [], hardState: witness.storage.hardState }, { term: 0, votedFor: null, commitIndex: 0 });
}

/** The invariant a new leader of `term` breaks, or null. */
function violationOfNewLeader(safety: SafetyChecker, leader: CheckedNode, term: number): string | null {
  try {
    safety.observed(leader, undefined, { role: 'leader', term, commitIndex: 0 });
    return null;
  } catch (error) {
    if (error instanceof SimulationViolation) return error.invariant;
    throw error;
  }
}

describe('Leader Completeness (§5.4)', () => {
  let safety: SafetyChecker;

  beforeEach(() => {
    safety = new SafetyChecker(new LogHistory(), new EventQueue(), true, clientSessionMachineView);
    // 1..152 committed in term 5; a leader of term 7 then commits 153..179, entries of its own term.
    commit(safety, nodeWith('n1', entries(1, 152, 5), { term: 5, votedFor: null, commitIndex: 152 }));
    commit(safety, nodeWith('n3', [...entries(1, 152, 5), ...entries(153, 179, 7)], { term: 7, votedFor: 'n3', commitIndex: 179 }));
  });

  it('lets a stale candidate win an older term without entries committed in a newer one (seed 1714)', () => {
    const staleCandidate = nodeWith('n4', entries(1, 152, 5), { term: 6, votedFor: 'n4', commitIndex: 152 });
    expect(violationOfNewLeader(safety, staleCandidate, 6)).toBeNull();
  });

  it('flags a leader of a later term that lacks entries committed in an earlier one', () => {
    const laggard = nodeWith('n4', entries(1, 152, 5), { term: 8, votedFor: 'n4', commitIndex: 152 });
    expect(violationOfNewLeader(safety, laggard, 8)).toBe('leader-completeness');
  });

  it('flags a leader of a later term that holds another entry where one was committed', () => {
    const diverged = nodeWith('n2', [...entries(1, 152, 5), ...entries(153, 179, 6)], { term: 8, votedFor: 'n2', commitIndex: 152 });
    expect(violationOfNewLeader(safety, diverged, 8)).toBe('leader-completeness');
  });

  it('judges by the term an entry was committed in, not the term it was written in', () => {
    // Entry 180 was written in term 5 but first committed in term 9 (by committing 181/9 after it, §5.4.2).
    commit(safety, nodeWith('n5', [...entries(1, 152, 5), ...entries(153, 179, 7), ...entries(180, 180, 5), ...entries(181, 181, 9)],
      { term: 9, votedFor: 'n5', commitIndex: 181 }));
    const leaderOfTerm8 = nodeWith('n2', [...entries(1, 152, 5), ...entries(153, 179, 7)], { term: 8, votedFor: 'n2', commitIndex: 179 });
    expect(violationOfNewLeader(safety, leaderOfTerm8, 8)).toBeNull();
    const leaderOfTerm10 = nodeWith('n2', [...entries(1, 152, 5), ...entries(153, 179, 7)], { term: 10, votedFor: 'n2', commitIndex: 179 });
    expect(violationOfNewLeader(safety, leaderOfTerm10, 10)).toBe('leader-completeness');
  });

  it('keeps the lowest term a commit was seen in', () => {
    // A follower that learns of the term-7 commit later, in term 9, does not move the commit to term 9.
    commit(safety, nodeWith('n2', [...entries(1, 152, 5), ...entries(153, 179, 7)], { term: 9, votedFor: null, commitIndex: 179 }));
    const leaderOfTerm8 = nodeWith('n4', entries(1, 152, 5), { term: 8, votedFor: 'n4', commitIndex: 152 });
    expect(violationOfNewLeader(safety, leaderOfTerm8, 8)).toBe('leader-completeness');
  });
});
