// Handing writes to a peer when this device cannot store them (its disk is full, its storage broke).
//
// A clinician's save must not fail because this tablet's disk filled with photos: another device of the
// clinic can hold the write durably in its own outbox and propose it, and the clinician is told "saved,
// pending on <device>". Order is what makes this subtle. The device's writes still waiting (in its own
// outbox, or handed off earlier and not yet seen applied) must reach the log before the new one, so every
// request carries that whole backlog, oldest first; the holder stores it in order and proposes it in order,
// and the state machine applies each (client, sequence) once however many copies land.
//
// The leader is asked first (it proposes at once); if it does not answer in `leaderWaitMs`, every other
// member is asked too, and the first answer wins. A request nobody answers within `giveUpMs` fails, and the
// clinician is told the write was not saved: nothing is claimed before a peer said it holds the write.
import type { NodeId } from '../raft/types.js';
import type { OutboxItem } from '../storage/outbox-storage.js';
import type { HoldWritesRequest, WritesHeldReply } from '../wire/safekeeping-messages.js';
import { heldWritesPerRequestMax } from '../wire/safekeeping-messages.js';
import { identityKey, type CommandIdentity } from './replicated-state-machine.js';
import type { Scheduler } from './scheduler.js';

export interface HandoffLimits {
  /** How long the leader has to say it holds the writes before every other member is asked as well. */
  readonly leaderWaitMs: number;
  /** How long a clinician waits for any peer to hold the write before hearing it was not saved. */
  readonly giveUpMs: number;
}

export const defaultHandoffLimits: HandoffLimits = { leaderWaitMs: 400, giveUpMs: 1500 };

/**
 * held: `by` holds every write of the request durably. unconfirmed: peers were asked and none answered in time;
 * one may hold it all the same, so the write is still carried by later requests. notSent: nobody could be
 * asked (no peer, or a backlog over what a request may carry): nothing holds it.
 */
export type HandoffOutcome = { readonly kind: 'held'; readonly by: NodeId } | { readonly kind: 'unconfirmed' } | { readonly kind: 'notSent' };

export interface HandoffTargets {
  /** The leader as this device last knew it, if another device: it can propose at once. */
  readonly leaderId: NodeId | null;
  /** Every other member of the clinic. */
  readonly members: readonly NodeId[];
}

interface OpenRequest {
  readonly resolve: (heldBy: NodeId | null) => void;
  readonly cancelTimers: () => void;
}

export class WriteHandoff {
  /**
   * Writes a peer holds (or may hold: asked, no answer in time) for this device and that it has not seen
   * applied, by identity key, in save order.
   */
  private readonly handedOff = new Map<string, OutboxItem>();
  /** Of those, the ones no peer confirmed: not pending as far as the clinician was told. */
  private readonly unconfirmed = new Set<string>();
  private readonly requests = new Map<number, OpenRequest>();
  private nextRequestId = 1;

  constructor(
    private readonly localId: NodeId,
    private readonly send: (message: HoldWritesRequest) => void,
    private readonly scheduler: Scheduler,
    private readonly limits: HandoffLimits,
  ) {}

  /** Writes held, or perhaps held, by peers for this device and not yet seen applied, oldest first. */
  items(): OutboxItem[] {
    return [...this.handedOff.values()];
  }

  /** Writes a peer confirmed holding and not yet seen applied, oldest first: pending, as the clinician was told. */
  confirmedItems(): OutboxItem[] {
    return [...this.handedOff].filter(([key]) => !this.unconfirmed.has(key)).map(([, item]) => item);
  }

  /** Newest save stamp handed off, so later saves (here or handed off) stay after it. */
  newestSavedAtMs(): number {
    let newest = Number.NEGATIVE_INFINITY;
    for (const item of this.handedOff.values()) newest = Math.max(newest, item.savedAtMs);
    return newest;
  }

  /**
   * Asks peers to hold `write` after everything still waiting: `backlog` (this device's own outbox) and the
   * writes handed off before (see HandoffOutcome). With no `write`, hands over the backlog alone (this device's
   * Raft stopped: its outbox would wait for a restart).
   */
  handOff(backlog: readonly OutboxItem[], write: OutboxItem | null, targets: HandoffTargets): Promise<HandoffOutcome> {
    const writes = this.inSaveOrder([...backlog, ...this.handedOff.values(), ...(write === null ? [] : [write])]);
    if (writes.length === 0) return Promise.resolve({ kind: 'notSent' });
    const others = targets.members.filter((member) => member !== this.localId && member !== targets.leaderId);
    const leader = targets.leaderId !== null && targets.leaderId !== this.localId ? targets.leaderId : null;
    if (writes.length > heldWritesPerRequestMax || (leader === null && others.length === 0)) return Promise.resolve({ kind: 'notSent' });
    const requestId = this.nextRequestId++;
    const ask = (to: NodeId): void =>
      this.send({
        type: 'holdWrites',
        from: this.localId,
        to,
        requestId,
        writes: writes.map(({ clientId, sequence, command }) => ({ clientId, sequence, command })),
      });
    return new Promise((resolve) => {
      const askOthers = (): void => others.forEach(ask);
      let cancelWidening = (): void => undefined;
      if (leader === null) askOthers();
      else {
        ask(leader);
        cancelWidening = this.scheduler.after(this.limits.leaderWaitMs, askOthers);
      }
      const cancelGiveUp = this.scheduler.after(this.limits.giveUpMs, () => this.finish(requestId, null));
      this.requests.set(requestId, {
        resolve: (heldBy) => {
          // Held, or perhaps held (asked, no answer in time): carried by later requests until seen applied.
          if (write !== null) {
            this.handedOff.set(identityKey(write), write);
            if (heldBy === null) this.unconfirmed.add(identityKey(write));
          }
          // A confirmation covers every write the request carried.
          if (heldBy !== null) for (const carried of writes) this.unconfirmed.delete(identityKey(carried));
          resolve(heldBy === null ? { kind: 'unconfirmed' } : { kind: 'held', by: heldBy });
        },
        cancelTimers: () => {
          cancelWidening();
          cancelGiveUp();
        },
      });
    });
  }

  /** A peer holds every write of one of our requests. Replies to requests already settled are ignored. */
  onReply(reply: WritesHeldReply): void {
    for (const identity of reply.alreadyApplied) this.applied(identity);
    this.finish(reply.requestId, reply.from);
  }

  /** The state machine applied `identity` here: no later request needs to carry it. */
  applied(identity: CommandIdentity): void {
    this.handedOff.delete(identityKey(identity));
    this.unconfirmed.delete(identityKey(identity));
  }

  /** Settles every open request as unanswered (the node is stopping). */
  abandonAll(): void {
    for (const requestId of [...this.requests.keys()]) this.finish(requestId, null);
  }

  private finish(requestId: number, heldBy: NodeId | null): void {
    const request = this.requests.get(requestId);
    if (request === undefined) return;
    this.requests.delete(requestId);
    request.cancelTimers();
    request.resolve(heldBy);
  }

  /** Oldest save first, each identity once (a write can be both in the outbox and handed off). */
  private inSaveOrder(items: readonly OutboxItem[]): OutboxItem[] {
    const unique = new Map<string, OutboxItem>();
    for (const item of items) if (!unique.has(identityKey(item))) unique.set(identityKey(item), item);
    return [...unique.values()].sort((a, b) => a.savedAtMs - b.savedAtMs);
  }
}
