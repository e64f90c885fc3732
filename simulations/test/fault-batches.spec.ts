// The correct core under every standard fault profile: a moderate batch of seeds each, zero violations,
// and proof that the faults really happened (a judge that never sees a crash judges nothing).
import type { SeedOutcome } from '../src/scenario.js';
import { raftScenario } from '../src/raft/raft-scenario.js';

function runBatch(faults: string, seeds: number, nodes = 5): SeedOutcome[] {
  return Array.from({ length: seeds }, (_, position) => raftScenario.runSeed({ seed: position + 1, nodes, faults, trace: false }));
}

function failuresOf(outcomes: readonly SeedOutcome[]): string[] {
  return outcomes.filter((outcome) => outcome.violation !== null)
    .map((outcome) => `seed ${outcome.seed}: ${outcome.violation!.invariant}: ${outcome.violation!.message}`);
}

function total(outcomes: readonly SeedOutcome[], figure: string): number {
  return outcomes.reduce((sum, outcome) => sum + (outcome.figures[figure] ?? 0), 0);
}

describe('the raft scenario with the real core', () => {
  it('passes 10 seeds without faults', () => {
    const outcomes = runBatch('none', 10);
    expect(failuresOf(outcomes)).toEqual([]);
    expect(total(outcomes, 'acknowledged')).toBeGreaterThan(5_000);
    expect(total(outcomes, 'compactions')).toBeGreaterThan(0);
  });

  it('passes 40 seeds of light faults', () => {
    expect(failuresOf(runBatch('light', 40))).toEqual([]);
  });

  it('passes 60 seeds of heavy faults, in which every kind of fault occurs', () => {
    const outcomes = runBatch('heavy', 60);
    expect(failuresOf(outcomes)).toEqual([]);
    const exercised = ['crashes', 'leaderCrashes', 'powerLossesDuringReady', 'pauses', 'partitions', 'oneWayLinks', 'messagesLost', 'messagesDuplicated',
      'messagesMisdelivered', 'heldMessagesDroppedOnResume', 'snapshotsInstalled', 'compactions', 'leadershipTransfersAccepted',
      'readsCompleted', 'nodesRetired', 'nodesJoined', 'duplicates', 'proposalsRefused', 'membershipChangesRefused',
      'membershipChangesRefusedPending', 'membershipSplits', 'readsIssuedBesideLearnersAndOddVoters'];
    for (const figure of exercised) expect(total(outcomes, figure)).withContext(figure).toBeGreaterThan(0);
  });

  it('passes 20 seeds of heavy faults on three nodes and 10 on seven', () => {
    expect(failuresOf(runBatch('heavy', 20, 3))).toEqual([]);
    expect(failuresOf(runBatch('heavy', 10, 7))).toEqual([]);
  });

  it('passes 20 seeds of leader churn on five nodes', () => {
    expect(failuresOf(runBatch('leader-churn', 20))).toEqual([]);
  });

  it('passes 20 seeds of membership churn, in which changes are proposed while others are pending', () => {
    const outcomes = runBatch('membership-churn', 20);
    expect(failuresOf(outcomes)).toEqual([]);
    for (const figure of ['membershipChangesRefusedPending', 'membershipSplits', 'nodesJoined', 'nodesRetired', 'readsIssuedBesideLearnersAndOddVoters']) {
      expect(total(outcomes, figure)).withContext(figure).toBeGreaterThan(0);
    }
  });
});
