// A follower fed arbitrary appends and heartbeats from its leader, in any order, repeated, and some of them
// malformed. Reference: Raft paper Figure 2 (AppendEntries receiver rules) and §5.3 (Log Matching): whatever
// arrives, the follower acknowledges an index only when its log matches the leader's up to it, commits only
// entries that match the leader's, never loses a committed entry, drops what is not consistent with itself,
// and still catches up when a correct append comes. A failure prints fast-check's seed and shrunk case.
import fc from 'fast-check';
import { Raft } from '../../src/raft/raft.js';
import type { Entry, Message } from '../../src/raft/types.js';
import { persistedFrom, standaloneRaft, storedLog } from './test-cluster.js';

const voters = { voters: ['a', 'b', 'c'], learners: [] };
/** The leader's term. Shared entries use terms 1..3, the leader's own older ones even terms, b's odd ones. */
const leaderTerm = 10;
/** Fixed, so `npm test` checks the same cases every time. */
const fuzzSeed = 20_261_203;
const fuzzRuns = 300;
const messagesPerRunMax = 25;

interface Scenario {
  readonly sharedTerms: readonly number[];
  readonly leaderOwnTerms: readonly number[];
  readonly followerOwnTerms: readonly number[];
  /** How many of the shared figure entries b has committed. */
  readonly followerCommitted: number;
  readonly steps: readonly Step[];
}

/** One message, its positions drawn as fractions of what exists when it is sent (so every draw is valid). */
type Step =
  | { readonly kind: 'append'; readonly prev: number; readonly count: number; readonly commit: number }
  | { readonly kind: 'malformed'; readonly defect: Defect; readonly prev: number; readonly count: number; readonly commit: number }
  | { readonly kind: 'heartbeat'; readonly commit: number };

type Defect = 'startsAtPrev' | 'skipsOne' | 'futureTerm' | 'termGoesDown';

type AppendMessage = Extract<Message, { type: 'append' }>;

const nonDecreasing = (terms: fc.Arbitrary<number>, lengthMax: number): fc.Arbitrary<number[]> =>
  fc.array(terms, { maxLength: lengthMax }).map((drawn) => [...drawn].sort((x, y) => x - y));

const fraction = fc.nat({ max: 1000 });

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('append' as const), prev: fraction, count: fraction, commit: fraction }),
  fc.record({
    kind: fc.constant('malformed' as const),
    defect: fc.constantFrom<Defect>('startsAtPrev', 'skipsOne', 'futureTerm', 'termGoesDown'),
    prev: fraction, count: fraction, commit: fraction,
  }),
  fc.record({ kind: fc.constant('heartbeat' as const), commit: fraction }),
);

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    sharedTerms: nonDecreasing(fc.integer({ min: 1, max: 3 }), 4),
    leaderOwnTerms: nonDecreasing(fc.constantFrom(4, 6, 8), 4),
    leaderTermEntries: fc.integer({ min: 1, max: 3 }),
    followerOwnTerms: nonDecreasing(fc.constantFrom(5, 7, 9), 4),
    committedFraction: fraction,
    steps: fc.array(step, { minLength: 1, maxLength: messagesPerRunMax }),
  })
  .map(({ sharedTerms, leaderOwnTerms, leaderTermEntries, followerOwnTerms, committedFraction, steps }) => ({
    sharedTerms,
    leaderOwnTerms: [...leaderOwnTerms, ...Array<number>(leaderTermEntries).fill(leaderTerm)],
    followerOwnTerms,
    followerCommitted: scaled(committedFraction, sharedTerms.length),
    steps,
  }));

/** `drawn` (0..1000) as an integer in [0, max]. */
function scaled(drawn: number, max: number): number {
  return Math.round((drawn / 1000) * max);
}

/** The follower under test, with the log it has persisted (what the Ready batches told it to store). */
class Follower {
  readonly raft: Raft;
  entries: Entry[];
  readonly applied: Entry[] = [];

  constructor(scenario: Scenario) {
    const terms = [...scenario.sharedTerms, ...scenario.followerOwnTerms];
    const stored = storedLog(voters, { terms, commitIndex: scenario.followerCommitted });
    this.entries = stored.entries;
    this.raft = standaloneRaft('b', persistedFrom(stored));
    this.handleReady();
  }

  /** Steps one message and handles every Ready; returns what b sent. */
  receive(message: Message): Message[] {
    this.raft.step(message);
    return this.handleReady();
  }

  private handleReady(): Message[] {
    const sent: Message[] = [];
    while (this.raft.hasReady()) {
      const ready = this.raft.ready();
      const first = ready.entries[0];
      if (first !== undefined) this.entries = this.entries.filter((entry) => entry.index < first.index).concat(ready.entries);
      sent.push(...ready.messages);
      this.applied.push(...ready.committedEntries);
      this.raft.advance();
    }
    return sent;
  }

  termAt(index: number): number | undefined {
    return this.entries.find((entry) => entry.index === index)?.term;
  }
}

function checkScenario(scenario: Scenario): void {
  const leaderLog = storedLog(voters, { terms: [...scenario.sharedTerms, ...scenario.leaderOwnTerms] }).entries;
  const leaderLast = leaderLog.length;
  const leaderTermAt = (index: number): number => (index === 0 ? 0 : leaderLog[index - 1]!.term);
  const slice = (from: number, count: number): Entry[] => leaderLog.slice(from - 1, from - 1 + count);
  const follower = new Follower(scenario);
  /** b's log matches the leader's up to `index` (Log Matching: then every entry before it matches too). */
  const matchesUpTo = (index: number): boolean => {
    for (let position = 1; position <= index; position++) if (follower.termAt(position) !== leaderTermAt(position)) return false;
    return true;
  };
  let acknowledgedMax = 0;
  let claimedCommitMax = follower.raft.status().commitIndex;

  const append = (prevLogIndex: number, entries: Entry[], commitIndex: number): AppendMessage => ({
    type: 'append', from: 'a', to: 'b', term: leaderTerm, prevLogIndex, prevLogTerm: leaderTermAt(prevLogIndex), entries, commitIndex,
  });

  for (const drawn of scenario.steps) {
    const prev = 'prev' in drawn ? scaled(drawn.prev, leaderLast) : 0;
    const count = 'count' in drawn ? scaled(drawn.count, leaderLast - prev) : 0;
    const commit = scaled(drawn.commit, drawn.kind === 'heartbeat' ? acknowledgedMax : leaderLast);
    let message: Message;
    if (drawn.kind === 'heartbeat') message = { type: 'heartbeat', from: 'a', to: 'b', term: leaderTerm, commitIndex: commit, readContext: null };
    else if (drawn.kind === 'append') message = append(prev, slice(prev + 1, count), commit);
    else {
      const malformed = malformedAppend(drawn.defect, append(prev, slice(prev + 1, count), commit), leaderLog);
      if (malformed === null) continue;
      const before = follower.raft.status();
      ensure(follower.receive(malformed).length === 0, `${drawn.defect}: b answers nothing`);
      ensure(sameJson(follower.raft.status(), { ...before, droppedMessages: before.droppedMessages + 1 }), `${drawn.defect}: b drops it, changing nothing`);
      continue;
    }
    claimedCommitMax = Math.max(claimedCommitMax, message.type === 'append' || message.type === 'heartbeat' ? message.commitIndex : 0);
    const committedBefore = follower.entries.filter((entry) => entry.index <= follower.raft.status().commitIndex);
    for (const answer of follower.receive(message)) {
      if (answer.type !== 'appendResponse' || answer.rejected) continue;
      ensure(answer.index <= leaderLast && matchesUpTo(answer.index), `b acknowledged ${answer.index}, where its log does not match the leader's`);
      acknowledgedMax = Math.max(acknowledgedMax, answer.index);
    }
    const { commitIndex } = follower.raft.status();
    ensure(matchesUpTo(commitIndex), `b committed ${commitIndex}, where its log does not match the leader's`);
    ensure(commitIndex <= claimedCommitMax, `b committed ${commitIndex}, past any commit index the leader sent`);
    for (const entry of committedBefore) ensure(follower.entries[entry.index - 1] === entry, `b lost committed entry ${entry.index}`);
  }
  for (const entry of follower.applied) ensure(entry.term === leaderTermAt(entry.index), `b applied ${entry.index}@${entry.term}, not the leader's`);

  // Whatever came before, one correct append from b's commit index on brings b to the leader's whole log.
  const from = follower.raft.status().commitIndex;
  follower.receive(append(from, slice(from + 1, leaderLast - from), leaderLast));
  ensure(sameJson(follower.entries.map((entry) => entry.term), leaderLog.map((entry) => entry.term)), 'a correct append brings b to the leader\'s log');
  ensure(follower.raft.status().commitIndex === leaderLast, 'a correct append commits what the leader committed');
}

/** Throws, so fast-check sees the failure and shrinks the case (a jasmine expectation would not throw). */
function ensure(condition: boolean, failure: string): void {
  if (!condition) throw new Error(failure);
}

function sameJson(actual: unknown, expected: unknown): boolean {
  return JSON.stringify(actual) === JSON.stringify(expected);
}

/** `valid` with one defect that makes it inconsistent with itself, or null when it has no entry to spoil. */
function malformedAppend(defect: Defect, valid: AppendMessage, leaderLog: readonly Entry[]): AppendMessage | null {
  const [first] = valid.entries;
  if (first === undefined) return null;
  switch (defect) {
    case 'startsAtPrev':
      // The leader's entries from prevLogIndex, not after it: the attack of follower-robustness.spec.ts.
      return valid.prevLogIndex === 0 ? null : { ...valid, entries: leaderLog.slice(valid.prevLogIndex - 1, valid.prevLogIndex - 1 + valid.entries.length) };
    case 'skipsOne':
      return { ...valid, entries: valid.entries.map((entry) => ({ ...entry, index: entry.index + 1 })) };
    case 'futureTerm':
      return { ...valid, entries: [...valid.entries.slice(0, -1), { ...valid.entries[valid.entries.length - 1]!, term: leaderTerm + 1 }] };
    case 'termGoesDown':
      return valid.prevLogTerm === 0 ? null : { ...valid, entries: [{ ...first, term: valid.prevLogTerm - 1 }, ...valid.entries.slice(1)] };
  }
}

describe('Raft follower fuzzing (Figure 2, §5.3)', () => {
  it('acknowledges and commits only what matches the leader, keeps what it committed, and drops malformed appends', () => {
    expect(() => fc.assert(fc.property(scenario, checkScenario), { numRuns: fuzzRuns, seed: fuzzSeed, includeErrorInReport: true })).not.toThrow();
  });
});
