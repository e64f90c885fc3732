import { WriteHandoff, type HandoffLimits } from '../../src/node/write-handoff.js';
import type { OutboxItem } from '../../src/storage/outbox-storage.js';
import { heldWritesPerRequestMax, type HoldWritesRequest } from '../../src/wire/safekeeping-messages.js';
import { ManualScheduler } from './manual-scheduler.js';

const limits: HandoffLimits = { leaderWaitMs: 400, giveUpMs: 1500 };
const members = ['tablet-1', 'tablet-2', 'desktop-1', 'laptop-1'];

function item(sequence: number, savedAtMs: number, clientId = 'nurse'): OutboxItem {
  return { clientId, sequence, command: new Uint8Array([sequence]), savedAtMs };
}

function handoffOf(scheduler: ManualScheduler): { handoff: WriteHandoff; sent: HoldWritesRequest[] } {
  const sent: HoldWritesRequest[] = [];
  return { handoff: new WriteHandoff('tablet-1', (request) => sent.push(request), scheduler, limits), sent };
}

describe('WriteHandoff (a full device hands its writes to a peer)', () => {
  it('asks the leader first, every other member only after leaderWaitMs, and takes the first answer', async () => {
    const scheduler = new ManualScheduler();
    const { handoff, sent } = handoffOf(scheduler);
    const held = handoff.handOff([], item(1, 10), { leaderId: 'desktop-1', members });
    expect(sent.map((request) => request.to)).toEqual(['desktop-1']);
    await scheduler.advance(limits.leaderWaitMs);
    expect(sent.map((request) => request.to)).toEqual(['desktop-1', 'tablet-2', 'laptop-1']);
    handoff.onReply({ type: 'writesHeld', from: 'laptop-1', to: 'tablet-1', requestId: sent[0]!.requestId, alreadyApplied: [] });
    expect(await held).toEqual({ kind: 'held', by: 'laptop-1' });
    // A second answer to the settled request changes nothing.
    handoff.onReply({ type: 'writesHeld', from: 'desktop-1', to: 'tablet-1', requestId: sent[0]!.requestId, alreadyApplied: [] });
    expect(handoff.items().map((write) => write.sequence)).toEqual([1]);
  });

  it('carries the outbox backlog and earlier handed-off writes, oldest save first, each once', async () => {
    const scheduler = new ManualScheduler();
    const { handoff, sent } = handoffOf(scheduler);
    const first = handoff.handOff([item(1, 10)], item(2, 20), { leaderId: 'desktop-1', members });
    handoff.onReply({ type: 'writesHeld', from: 'desktop-1', to: 'tablet-1', requestId: sent[0]!.requestId, alreadyApplied: [] });
    expect(await first).toEqual({ kind: 'held', by: 'desktop-1' });
    void handoff.handOff([item(1, 10)], item(3, 30), { leaderId: 'desktop-1', members });
    expect(sent[1]!.writes.map((write) => write.sequence)).toEqual([1, 2, 3]);
  });

  it('stops carrying the writes a holder reports as already applied', async () => {
    const scheduler = new ManualScheduler();
    const { handoff, sent } = handoffOf(scheduler);
    const first = handoff.handOff([], item(1, 10), { leaderId: 'desktop-1', members });
    handoff.onReply({ type: 'writesHeld', from: 'desktop-1', to: 'tablet-1', requestId: sent[0]!.requestId, alreadyApplied: [] });
    await first;
    const second = handoff.handOff([], item(2, 20), { leaderId: 'desktop-1', members });
    handoff.onReply({ type: 'writesHeld', from: 'desktop-1', to: 'tablet-1', requestId: sent[1]!.requestId, alreadyApplied: [{ clientId: 'nurse', sequence: 1 }] });
    await second;
    expect(handoff.items().map((write) => write.sequence)).toEqual([2]);
  });

  it('after giveUpMs without an answer the write is unconfirmed and still carried; with nobody to ask it is not sent', async () => {
    const scheduler = new ManualScheduler();
    const { handoff, sent } = handoffOf(scheduler);
    const unanswered = handoff.handOff([], item(1, 10), { leaderId: null, members });
    await scheduler.advance(limits.giveUpMs);
    expect(await unanswered).toEqual({ kind: 'unconfirmed' });
    // A peer may hold it after all: the next request carries it again.
    expect(handoff.items().map((write) => write.sequence)).toEqual([1]);
    void handoff.handOff([], item(2, 20), { leaderId: 'desktop-1', members });
    expect(sent.at(-1)!.writes.map((write) => write.sequence)).toEqual([1, 2]);
    expect(await handoff.handOff([], item(3, 30), { leaderId: 'tablet-1', members: ['tablet-1'] })).toEqual({ kind: 'notSent' });
    const backlog = Array.from({ length: heldWritesPerRequestMax }, (_, index) => item(index + 4, 100 + index));
    expect(await handoff.handOff(backlog, item(5000, 9000), { leaderId: 'desktop-1', members })).toEqual({ kind: 'notSent' });
  });
});
