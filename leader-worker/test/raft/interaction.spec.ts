// Scripted interaction tests, after etcd-io/raft's testdata: each script drives a cluster, and the
// transcript of every message the network handled ("type from->to term", then what matters for the type)
// is compared with the one below, so a change in protocol behaviour shows up as a reviewable diff.
import { runScript } from './interaction-script.js';

interface Interaction {
  readonly name: string;
  readonly ids: readonly string[];
  readonly script: string;
  readonly transcript: string;
}

/** Strips the indentation the template literals carry in this file. */
function lines(text: string): string {
  return text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n').map((line) => line.replace(/^ {4}/, '')).join('\n');
}

// Every cluster here is founded by its ids: each log starts with one committed membership entry per founder,
// all of term 1 (bootstrapState). With three founders the first election is for term 2 ("last=3@1"), and the
// first leader's empty entry is index 4.
const interactions: Interaction[] = [
  {
    name: '§5.2 election, then §5.3 replication and commit of one command',
    ids: ['a', 'b', 'c'],
    script: lines(`
    elect a
    propose a x
    deliver
    status
    `),
    transcript: lines(`
    > elect a
      preVote a->b t2 last=3@1
      preVote a->c t2 last=3@1
      preVoteResponse b->a t2 granted
      preVoteResponse c->a t2 granted
      vote a->b t2 last=3@1
      vote a->c t2 last=3@1
      voteResponse b->a t2 granted
      voteResponse c->a t2 granted
      append a->b t2 prev=3@1 entries=[4@2] commit=3
      append a->c t2 prev=3@1 entries=[4@2] commit=3
      appendResponse b->a t2 index=4
      appendResponse c->a t2 index=4
      append a->b t2 prev=4@2 entries=[] commit=4
      append a->c t2 prev=4@2 entries=[] commit=4
      appendResponse b->a t2 index=4
      appendResponse c->a t2 index=4
    > propose a x
      {"type":"appended","index":5,"term":2}
    > deliver
      append a->b t2 prev=4@2 entries=[5@2] commit=4
      append a->c t2 prev=4@2 entries=[5@2] commit=4
      appendResponse b->a t2 index=5
      appendResponse c->a t2 index=5
      append a->b t2 prev=5@2 entries=[] commit=5
      append a->c t2 prev=5@2 entries=[] commit=5
      appendResponse b->a t2 index=5
      appendResponse c->a t2 index=5
    > status
      a: leader t2 leader=a commit=5 last=5 applied=[x]
      b: follower t2 leader=a commit=5 last=5 applied=[x]
      c: follower t2 leader=a commit=5 last=5 applied=[x]
    `),
  },
  {
    name: '§5.3 a follower that missed appends is found by one rejected probe and caught up',
    ids: ['a', 'b', 'c'],
    script: lines(`
    quiet elect a
    isolate c
    # a streams x and y to c, which never gets them, so a's view of c runs ahead.
    propose a x
    propose a y
    deliver
    heal
    tick a
    deliver
    status
    `),
    transcript: lines(`
    > quiet elect a
    > isolate c
    > propose a x
      {"type":"appended","index":5,"term":2}
    > propose a y
      {"type":"appended","index":6,"term":2}
    > deliver
      append a->b t2 prev=4@2 entries=[5@2] commit=4
      append a->c t2 prev=4@2 entries=[5@2] commit=4 (cut)
      append a->b t2 prev=5@2 entries=[6@2] commit=4
      append a->c t2 prev=5@2 entries=[6@2] commit=4 (cut)
      appendResponse b->a t2 index=5
      appendResponse b->a t2 index=6
      append a->b t2 prev=6@2 entries=[] commit=5
      append a->c t2 prev=6@2 entries=[] commit=5 (cut)
      append a->b t2 prev=6@2 entries=[] commit=6
      append a->c t2 prev=6@2 entries=[] commit=6 (cut)
      appendResponse b->a t2 index=6
      appendResponse b->a t2 index=6
    > heal
    > tick a
    > deliver
      heartbeat a->b t2 commit=6
      heartbeat a->c t2 commit=4
      heartbeatResponse b->a t2
      heartbeatResponse c->a t2
      append a->c t2 prev=6@2 entries=[] commit=6
      appendResponse c->a t2 rejected index=6 hint=4@2
      append a->c t2 prev=4@2 entries=[5@2 6@2] commit=6
      appendResponse c->a t2 index=6
      append a->c t2 prev=6@2 entries=[] commit=6
      appendResponse c->a t2 index=6
    > status
      a: leader t2 leader=a commit=6 last=6 applied=[x y]
      b: follower t2 leader=a commit=6 last=6 applied=[x y]
      c: follower t2 leader=a commit=6 last=6 applied=[x y]
    `),
  },
  {
    name: 'thesis §9.6 PreVote: a partitioned node campaigns without raising any term, then rejoins',
    ids: ['a', 'b', 'c'],
    script: lines(`
    quiet elect a
    isolate c
    # c's pre-votes ask for term 3; c itself stays in a's term 2.
    tick c 20
    deliver
    heal
    tick a
    deliver
    status
    `),
    transcript: lines(`
    > quiet elect a
    > isolate c
    > tick c 20
    > deliver
      preVote c->a t3 last=4@2 (cut)
      preVote c->b t3 last=4@2 (cut)
    > heal
    > tick a
    > deliver
      heartbeat a->b t2 commit=4
      heartbeat a->c t2 commit=4
      heartbeatResponse b->a t2
      heartbeatResponse c->a t2
    > status
      a: leader t2 leader=a commit=4 last=4 applied=[]
      b: follower t2 leader=a commit=4 last=4 applied=[]
      c: follower t2 leader=a commit=4 last=4 applied=[]
    `),
  },
  {
    name: '§5.2 a split vote, a leader in the next term, and the stale leader steps down on the answer to its heartbeat',
    ids: ['a', 'b', 'c'],
    script: lines(`
    quiet elect a
    isolate a
    # b and c both time out before either hears the other: each votes for itself.
    tick b 10
    tick c 20
    deliver
    tick c 20
    deliver
    # a still believes it leads term 2.
    heal
    tick a
    deliver
    status
    `),
    transcript: lines(`
    > quiet elect a
    > isolate a
    > tick b 10
    > tick c 20
    > deliver
      preVote b->a t3 last=4@2 (cut)
      preVote b->c t3 last=4@2
      preVote c->a t3 last=4@2 (cut)
      preVote c->b t3 last=4@2
      preVoteResponse c->b t3 granted
      preVoteResponse b->c t3 granted
      vote b->a t3 last=4@2 (cut)
      vote b->c t3 last=4@2
      vote c->a t3 last=4@2 (cut)
      vote c->b t3 last=4@2
      voteResponse c->b t3 rejected
      voteResponse b->c t3 rejected
    > tick c 20
    > deliver
      preVote c->a t4 last=4@2 (cut)
      preVote c->b t4 last=4@2
      preVoteResponse b->c t4 granted
      vote c->a t4 last=4@2 (cut)
      vote c->b t4 last=4@2
      voteResponse b->c t4 granted
      append c->a t4 prev=4@2 entries=[5@4] commit=4 (cut)
      append c->b t4 prev=4@2 entries=[5@4] commit=4
      appendResponse b->c t4 index=5
      append c->b t4 prev=5@4 entries=[] commit=5
      appendResponse b->c t4 index=5
    > heal
    > tick a
    > deliver
      heartbeat a->b t2 commit=4
      heartbeat a->c t2 commit=4
      appendResponse b->a t4 rejected index=0 hint=0@0
      appendResponse c->a t4 rejected index=0 hint=0@0
    > status
      a: follower t4 leader=- commit=4 last=4 applied=[]
      b: follower t4 leader=c commit=5 last=5 applied=[]
      c: leader t4 leader=c commit=5 last=5 applied=[]
    `),
  },
  {
    name: 'thesis §3.10 leadership transfer to an up-to-date follower',
    ids: ['a', 'b', 'c'],
    script: lines(`
    quiet elect a
    quiet propose a x
    quiet deliver
    transfer a b
    deliver
    status
    `),
    transcript: lines(`
    > quiet elect a
    > quiet propose a x
    > quiet deliver
    > transfer a b
      {"type":"accepted"}
    > deliver
      timeoutNow a->b t2
      vote b->a t3 last=5@2 transfer
      vote b->c t3 last=5@2 transfer
      voteResponse a->b t3 granted
      voteResponse c->b t3 granted
      append b->a t3 prev=5@2 entries=[6@3] commit=5
      append b->c t3 prev=5@2 entries=[6@3] commit=5
      appendResponse a->b t3 index=6
      appendResponse c->b t3 index=6
      append b->a t3 prev=6@3 entries=[] commit=6
      append b->c t3 prev=6@3 entries=[] commit=6
      appendResponse a->b t3 index=6
      appendResponse c->b t3 index=6
    > status
      a: follower t3 leader=b commit=6 last=6 applied=[x]
      b: leader t3 leader=b commit=6 last=6 applied=[x]
      c: follower t3 leader=b commit=6 last=6 applied=[x]
    `),
  },
  {
    name: 'thesis §6.2 CheckQuorum: an isolated leader steps down after two election timeouts',
    ids: ['a', 'b', 'c'],
    script: lines(`
    quiet elect a
    isolate a
    tick a 20
    propose a x
    status a
    `),
    transcript: lines(`
    > quiet elect a
    > isolate a
    > tick a 20
    > propose a x
      {"type":"refused","reason":"noLeader"}
    > status a
      a: follower t2 leader=- commit=4 last=4 applied=[]
    `),
  },
  {
    name: 'thesis §6.4 ReadIndex forwarded by a follower',
    ids: ['a', 'b', 'c'],
    script: lines(`
    quiet elect a
    read b r1
    deliver
    status b
    `),
    transcript: lines(`
    > quiet elect a
    > read b r1
      {"type":"forwarded","leaderId":"a"}
    > deliver
      readIndex b->a t2 read=r1
      heartbeat a->b t2 commit=4 read=r1
      heartbeat a->c t2 commit=4 read=r1
      heartbeatResponse b->a t2 read=r1
      heartbeatResponse c->a t2 read=r1
      readIndexResponse a->b t2 read=r1 index=4
    > status b
      b: follower t2 leader=a commit=4 last=4 applied=[] reads=[r1@4]
    `),
  },
];

describe('Raft scripted interactions', () => {
  for (const interaction of interactions) {
    it(interaction.name, () => {
      expect(runScript(interaction.ids, interaction.script)).toBe(interaction.transcript);
    });
  }

  it('a script with an unknown command fails loudly', () => {
    expect(() => runScript(['a'], 'frobnicate a')).toThrowError(/unknown script command/);
  });
});
