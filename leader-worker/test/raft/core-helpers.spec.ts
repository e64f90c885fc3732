// The core's small pure helpers, each on its own: membership arithmetic (Ongaro's thesis §4.1: one server at
// a time, never an empty set of voters), the ReadIndex queue (thesis §6.4), the seeded random source every
// run replays from, and the one-line message descriptions traces and scripted tests read.
import { InvariantViolation } from '../../src/invariants/assert.js';
import { describeEntries, describeMessage } from '../../src/raft/describe-message.js';
import { applyMembershipChange, membershipChangeRefusal, quorumSize } from '../../src/raft/membership.js';
import { ReadIndexQueue } from '../../src/raft/read-index-queue.js';
import { SeededRandom } from '../../src/raft/seeded-random.js';
import type { Entry, Membership } from '../../src/raft/types.js';

const threeAndTwoLearners: Membership = { voters: ['a', 'b', 'c'], learners: ['l1', 'l2'] };

describe('Raft membership arithmetic (thesis §4.1)', () => {
  it('a quorum is a strict majority of the voters; learners never count', () => {
    expect([1, 2, 3, 4, 5].map((voters) => quorumSize({ voters: Array.from({ length: voters }, (_, n) => `v${n}`), learners: ['l'] }))).toEqual([1, 2, 2, 3, 3]);
  });

  it('refuses adding a node twice, removing a node that is absent, and removing the last voter', () => {
    expect(membershipChangeRefusal(threeAndTwoLearners, { type: 'addLearner', nodeId: 'l1' })).withContext('a learner again').toBe('invalidMembershipChange');
    expect(membershipChangeRefusal(threeAndTwoLearners, { type: 'addLearner', nodeId: 'a' })).withContext('a voter as learner').toBe('invalidMembershipChange');
    expect(membershipChangeRefusal(threeAndTwoLearners, { type: 'addVoter', nodeId: 'a' })).toBe('invalidMembershipChange');
    expect(membershipChangeRefusal(threeAndTwoLearners, { type: 'removeNode', nodeId: 'z' })).toBe('invalidMembershipChange');
    expect(membershipChangeRefusal({ voters: ['a'], learners: ['l1'] }, { type: 'removeNode', nodeId: 'a' })).toBe('invalidMembershipChange');
    expect(membershipChangeRefusal({ voters: ['a'], learners: ['l1'] }, { type: 'removeNode', nodeId: 'l1' })).withContext('the last learner may go').toBeNull();
    expect(membershipChangeRefusal(threeAndTwoLearners, { type: 'addLearner', nodeId: 'd' })).toBeNull();
    expect(membershipChangeRefusal(threeAndTwoLearners, { type: 'addVoter', nodeId: 'l1' })).withContext('a promotion').toBeNull();
    expect(membershipChangeRefusal(threeAndTwoLearners, { type: 'removeNode', nodeId: 'b' })).toBeNull();
  });

  it('a promotion moves exactly one learner to the voters, and a removal takes a node from either list', () => {
    expect(applyMembershipChange(threeAndTwoLearners, { type: 'addVoter', nodeId: 'l1' })).toEqual({ voters: ['a', 'b', 'c', 'l1'], learners: ['l2'] });
    expect(applyMembershipChange(threeAndTwoLearners, { type: 'removeNode', nodeId: 'l2' })).toEqual({ voters: ['a', 'b', 'c'], learners: ['l1'] });
    expect(applyMembershipChange(threeAndTwoLearners, { type: 'removeNode', nodeId: 'b' })).toEqual({ voters: ['a', 'c'], learners: ['l1', 'l2'] });
    expect(applyMembershipChange(threeAndTwoLearners, { type: 'addLearner', nodeId: 'd' })).toEqual({ voters: ['a', 'b', 'c'], learners: ['l1', 'l2', 'd'] });
  });
});

describe('Raft ReadIndex queue (thesis §6.4)', () => {
  const read = (readContext: string, index: number) => ({ readContext, index, requester: 'a', acknowledgedBy: new Set(['a']) });

  it('counts distinct confirmations per read and releases every read up to a confirmed one, in arrival order', () => {
    const queue = new ReadIndexQueue();
    queue.add(read('r1', 4));
    queue.add(read('r2', 5));
    queue.add(read('r3', 5));
    expect(queue.acknowledge('r2', 'b')).toBe(2);
    expect(queue.acknowledge('r2', 'b')).withContext('the same node twice').toBe(2);
    expect(queue.acknowledge('unknown', 'b')).toBe(0);
    expect(queue.releaseThrough('unknown')).toEqual([]);
    expect(queue.releaseThrough('r2').map((released) => released.readContext)).toEqual(['r1', 'r2']);
    expect(queue.size).toBe(1);
    expect(queue.has('r1')).toBeFalse();
    expect(queue.has('r3')).toBeTrue();
  });

  it('clear drops every pending read, as a leader does when it loses its term', () => {
    const queue = new ReadIndexQueue();
    queue.add(read('r1', 4));
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.has('r1')).toBeFalse();
    expect(queue.acknowledge('r1', 'b')).toBe(0);
    expect(queue.releaseThrough('r1')).toEqual([]);
  });
});

describe('Raft seeded random source', () => {
  it('replays from its seed, and forks independent generators deterministically', () => {
    const draws = (random: SeededRandom): number[] => Array.from({ length: 5 }, () => random.nextUint32());
    expect(draws(new SeededRandom(42))).toEqual(draws(new SeededRandom(42)));
    expect(draws(new SeededRandom(42))).not.toEqual(draws(new SeededRandom(43)));
    expect(draws(new SeededRandom(42).fork())).toEqual(draws(new SeededRandom(42).fork()));
    expect(draws(new SeededRandom(42).fork())).not.toEqual(draws(new SeededRandom(42)));
    expect(() => new SeededRandom(1.5)).toThrowError(InvariantViolation);
  });

  it('nextInt stays in [0, n) and refuses a bound that is not a positive integer', () => {
    const random = new SeededRandom(7);
    const values = Array.from({ length: 2000 }, () => random.nextInt(3));
    expect(new Set(values)).toEqual(new Set([0, 1, 2]));
    expect(random.nextInt(1)).toBe(0);
    expect(() => random.nextInt(0)).toThrowError(InvariantViolation);
    expect(() => random.nextInt(2.5)).toThrowError(InvariantViolation);
  });

  it('chance(p) is true with probability p: never at 0, always at 1, and false when the draw equals p', () => {
    const random = new SeededRandom(9);
    expect(Array.from({ length: 1000 }, () => random.chance(0)).some(Boolean)).toBeFalse();
    expect(Array.from({ length: 1000 }, () => random.chance(1)).every(Boolean)).toBeTrue();
    const draw = new SeededRandom(11).nextFloat();
    expect(new SeededRandom(11).chance(draw)).withContext('[0, p) excludes p').toBeFalse();
  });
});

describe('Raft message descriptions (traces and scripted tests)', () => {
  const entries = (count: number): Entry[] => Array.from({ length: count }, (_, offset): Entry => ({ type: 'noop', index: 5 + offset, term: 2 }));

  it('lists up to four entries and shows more as a range with their count', () => {
    expect(describeEntries([])).toBe('[]');
    expect(describeEntries(entries(4))).toBe('[5@2 6@2 7@2 8@2]');
    expect(describeEntries(entries(5))).toBe('[5@2..9@2 (5)]');
  });

  it('describes a snapshot by its position and a proposal by its entry count', () => {
    const snapshot = { index: 9, term: 3, membership: { voters: ['a'], learners: [] }, data: new Uint8Array(0) };
    expect(describeMessage({ type: 'installSnapshot', from: 'a', to: 'b', term: 4, snapshot })).toBe('installSnapshot a->b t4 snapshot=9@3');
    expect(describeMessage({ type: 'propose', from: 'b', to: 'a', term: 4, payloads: [{ type: 'noop' }, { type: 'noop' }] })).toBe('propose b->a t4 entries=2');
  });
});
