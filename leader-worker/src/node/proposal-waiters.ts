// The clinicians' saves this device has not answered yet, by command identity: each is answered exactly once,
// when it applies, when it is stored as pending, or when it fails.
import { identityKey, type CommandIdentity } from './replicated-state-machine.js';

/** One save waiting for its outcome. `cancelTimeout` stops its "pending after quorumWaitMs" timer. */
export interface Waiter<Outcome> {
  readonly identity: CommandIdentity;
  readonly resolve: (outcome: Outcome) => void;
  cancelTimeout: () => void;
}

export class ProposalWaiters<Outcome> {
  private readonly byKey = new Map<string, Waiter<Outcome>>();

  has(identity: CommandIdentity): boolean {
    return this.byKey.has(identityKey(identity));
  }

  /** Starts waiting for `identity`, which must not be waiting already. */
  add(identity: CommandIdentity, resolve: (outcome: Outcome) => void): Waiter<Outcome> {
    const waiter: Waiter<Outcome> = { identity, resolve, cancelTimeout: () => undefined };
    this.byKey.set(identityKey(identity), waiter);
    return waiter;
  }

  /** Whether `waiter` is still the one waiting for its identity (not answered, not dropped by a stop). */
  isWaiting(waiter: Waiter<Outcome>): boolean {
    return this.byKey.get(identityKey(waiter.identity)) === waiter;
  }

  /** Answers `waiter` with `outcome` if it still waits; a later answer for it is ignored. */
  answer(waiter: Waiter<Outcome>, outcome: Outcome): void {
    if (!this.isWaiting(waiter)) return;
    this.byKey.delete(identityKey(waiter.identity));
    waiter.cancelTimeout();
    waiter.resolve(outcome);
  }

  /** Answers the save of `identity`, if one waits here. */
  answerIdentity(identity: CommandIdentity, outcome: Outcome): void {
    const waiter = this.byKey.get(identityKey(identity));
    if (waiter !== undefined) this.answer(waiter, outcome);
  }

  /** Answers every waiting save that `selected` picks, with the outcome `outcomeFor` gives it. */
  answerAll(selected: (waiter: Waiter<Outcome>) => boolean, outcomeFor: (identity: CommandIdentity) => Outcome): void {
    for (const waiter of [...this.byKey.values()]) if (selected(waiter)) this.answer(waiter, outcomeFor(waiter.identity));
  }
}
