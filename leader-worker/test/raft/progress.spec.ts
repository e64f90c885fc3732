// The leader's view of one follower, unit by unit. Reference: Raft paper §5.3 (nextIndex, matchIndex and
// backing off after a rejection) and etcd-io/raft's progress tracking (probe, replicate and snapshot states).
// The window of appends in flight has its own spec (inflights.spec.ts).
import { InvariantViolation } from '../../src/invariants/assert.js';
import { Progress } from '../../src/raft/progress.js';

describe('Raft flow control: one follower\'s progress (§5.3)', () => {
  it('starts in probe, knowing nothing of the follower and not hearing from it', () => {
    const progress = new Progress(8, 4);
    expect(progress).toEqual(jasmine.objectContaining({ match: 0, next: 8, state: 'probe', probeSent: false, recentActive: false }));
    expect(progress.isPaused()).toBeFalse();
  });

  it('an acknowledgement raises match and next, never lowers them, and ends the probe wait', () => {
    const progress = new Progress(8, 4);
    progress.sentAppend(7, 0);
    expect(progress.isPaused()).withContext('one probe at a time').toBeTrue();
    expect(progress.maybeUpdate(6)).toBeTrue();
    expect(progress).toEqual(jasmine.objectContaining({ match: 6, next: 8, probeSent: false }));
    expect(progress.maybeUpdate(9)).toBeTrue();
    expect(progress).toEqual(jasmine.objectContaining({ match: 9, next: 10 }));
    progress.probeSent = true;
    expect(progress.maybeUpdate(9)).withContext('the same index again').toBeFalse();
    expect(progress.maybeUpdate(5)).withContext('an older acknowledgement').toBeFalse();
    expect(progress).toEqual(jasmine.objectContaining({ match: 9, next: 10, probeSent: true }));
  });

  it('in replicate, a rejection at or below match is stale; a newer one falls back to match + 1', () => {
    const progress = new Progress(1, 4);
    progress.maybeUpdate(5);
    progress.becomeReplicate();
    progress.sentAppend(9, 4);
    expect(progress.next).toBe(10);
    expect(progress.maybeDecreaseTo(5, 0)).toBeFalse();
    expect(progress.maybeDecreaseTo(4, 0)).toBeFalse();
    expect(progress.next).toBe(10);
    expect(progress.maybeDecreaseTo(7, 2)).toBeTrue();
    expect(progress.next).toBe(6);
  });

  it('in probe, only a rejection of the last probe counts, and next moves to the hint, never to or below match', () => {
    const progress = new Progress(11, 4);
    progress.maybeUpdate(2);
    progress.sentAppend(10, 0);
    expect(progress.maybeDecreaseTo(8, 4)).withContext('not the probe in flight (its prevLogIndex was 10)').toBeFalse();
    expect(progress.probeSent).toBeTrue();
    expect(progress.maybeDecreaseTo(10, 4)).toBeTrue();
    expect(progress).toEqual(jasmine.objectContaining({ next: 5, probeSent: false }));
    expect(progress.maybeDecreaseTo(4, 0)).toBeTrue();
    expect(progress.next).withContext('the hint is below what the follower acknowledged').toBe(3);
    progress.next = 9;
    expect(progress.maybeDecreaseTo(8, 20)).toBeTrue();
    expect(progress.next).withContext('a hint past the rejected index').toBe(8);
  });

  it('probing after a snapshot starts past the snapshot, which the follower holds once it installs it (§7)', () => {
    const progress = new Progress(1, 4);
    progress.maybeUpdate(3);
    progress.becomeSnapshot(10);
    expect(progress.isPaused()).toBeTrue();
    expect(progress.pendingSnapshotIndex).toBe(10);
    progress.becomeProbe();
    expect(progress).toEqual(jasmine.objectContaining({ state: 'probe', next: 11, pendingSnapshotIndex: 0 }));
    progress.maybeUpdate(12);
    progress.becomeSnapshot(10);
    progress.becomeProbe();
    expect(progress.next).withContext('the follower already acknowledged more than the snapshot').toBe(13);
    progress.becomeReplicate();
    progress.maybeUpdate(20);
    progress.becomeProbe();
    expect(progress.next).withContext('from replicate, probing starts after match').toBe(21);
  });

  it('replicate streams until the window is full; only appends with entries take a slot', () => {
    const progress = new Progress(1, 2);
    progress.becomeReplicate();
    progress.sentAppend(0, 0);
    expect(progress.inflights.count).toBe(0);
    progress.sentAppend(3, 3);
    progress.sentAppend(5, 2);
    expect(progress.isPaused()).toBeTrue();
    expect(progress.next).toBe(6);
    progress.becomeProbe();
    expect(progress.inflights.count).withContext('a state change empties the window').toBe(0);
  });

  it('an append that would move next to or below match breaks the invariant and throws', () => {
    const progress = new Progress(1, 4);
    progress.maybeUpdate(5);
    progress.becomeReplicate();
    expect(() => progress.sentAppend(4, 1)).toThrowError(InvariantViolation);
  });
});
