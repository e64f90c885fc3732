// The Ready contract (types.ts) as handleReadies carries it out for every driver: persist before send, send
// before apply, apply before advance; an asynchronous persist holds the rest of its Ready; a failed persist
// leaves the core where it was.
import { handleReadies, type ReadyCore } from '../../src/raft/ready-loop.js';
import type { Message, Ready } from '../../src/raft/types.js';

function readyWith(id: number): Ready {
  const message = { type: 'heartbeat', from: 'a', to: 'b', term: id, commitIndex: 0, readContext: null } as unknown as Message;
  return { softState: null, hardState: { term: id, votedFor: null, commitIndex: 0 }, snapshot: null, entries: [], messages: [message], committedEntries: [], readStates: [] };
}

/** A core with a queue of Readys that records every call in order. */
class ScriptedCore implements ReadyCore {
  readonly calls: string[] = [];
  private handedOut: Ready | null = null;

  constructor(private readonly readys: Ready[]) {}

  hasReady(): boolean {
    return this.readys.length > 0;
  }

  ready(): Ready {
    expect(this.handedOut).withContext('ready() again before advance()').toBeNull();
    this.handedOut = this.readys.shift()!;
    this.calls.push(`ready ${this.handedOut.hardState!.term}`);
    return this.handedOut;
  }

  advance(): void {
    this.calls.push(`advance ${this.handedOut!.hardState!.term}`);
    this.handedOut = null;
  }
}

describe('the Ready loop', () => {
  it('persists, sends, applies and advances each Ready in that order, synchronously with a memory disk', () => {
    const core = new ScriptedCore([readyWith(1), readyWith(2)]);
    const returned = handleReadies(core, {
      persist: (ready) => void core.calls.push(`persist ${ready.hardState!.term}`),
      send: (messages) => void core.calls.push(`send ${messages.length}`),
      apply: (ready) => void core.calls.push(`apply ${ready.hardState!.term}`),
    });
    expect(returned).toBeUndefined();
    expect(core.calls).toEqual(['ready 1', 'persist 1', 'send 1', 'apply 1', 'advance 1', 'ready 2', 'persist 2', 'send 1', 'apply 2', 'advance 2']);
  });

  it('sends nothing of a Ready before its asynchronous persist settles', async () => {
    const core = new ScriptedCore([readyWith(1), readyWith(2)]);
    let finishPersist: () => void = () => undefined;
    const loop = handleReadies(core, {
      persist: (ready) => {
        core.calls.push(`persist ${ready.hardState!.term}`);
        return new Promise<void>((resolve) => (finishPersist = resolve));
      },
      send: () => void core.calls.push('send'),
      apply: () => void core.calls.push('apply'),
    });
    await Promise.resolve();
    expect(core.calls).toEqual(['ready 1', 'persist 1']);
    finishPersist();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(core.calls).toEqual(['ready 1', 'persist 1', 'send', 'apply', 'advance 1', 'ready 2', 'persist 2']);
    finishPersist();
    await loop;
    expect(core.calls.slice(-3)).toEqual(['send', 'apply', 'advance 2']);
  });

  it('ends at a failed persist: nothing of that Ready is sent or applied, and the core is not advanced', async () => {
    const core = new ScriptedCore([readyWith(1), readyWith(2)]);
    const loop = handleReadies(core, {
      persist: () => Promise.reject(new Error('disk full')),
      send: () => void core.calls.push('send'),
      apply: () => void core.calls.push('apply'),
    });
    await expectAsync(loop as Promise<void>).toBeRejectedWithError('disk full');
    expect(core.calls).toEqual(['ready 1']);
  });

  it('stops before the next Ready when told to', () => {
    const core = new ScriptedCore([readyWith(1), readyWith(2)]);
    let handled = 0;
    handleReadies(core, { persist: () => undefined, send: () => undefined, apply: () => void handled++ }, () => handled < 1);
    expect(core.calls).toEqual(['ready 1', 'advance 1']);
    expect(core.hasReady()).toBeTrue();
  });
});
