// Exactly-once application of retried proposals. A proposal is named by (clientId, sequence); a client
// retries with the same pair when it does not learn the outcome (leader change, dropped reply), so one
// proposal can sit in the log several times, and a client's proposals can commit out of order (sequence 7
// before 6 when 6 was re-sent to a new leader).
//
// Per client we keep a low-water mark `floor` and the outcomes of the accepted sequences above it:
//   seen(s)  <=>  s <= floor  or  s is in `outcomes`.
// When sequence s is accepted, `floor` rises to s - duplicateWindowSequences. That is exact under the
// proposer contract (limits.ts): a client proposes s only after it has learned the outcome of every sequence
// <= s - duplicateWindowSequences, that is, after each of them was applied once. So an entry at or below the
// floor is always a late copy of something already applied (a delayed forward, a second leader's copy),
// never a first arrival. A proposer that breaks the contract would have a first arrival taken for a copy.
//
// Rejections are recorded too, so a proposal has one outcome: a late copy of a proposal rejected for
// ordering (its visit not yet opened) must not apply after the clinician was told it failed and re-entered it.
// Memory: at most 2 * duplicateWindowSequences outcomes per client (swept lazily, amortized O(1)).
import { assert } from '../invariants/assert.js';
import { duplicateWindowSequences } from './limits.js';
import type { DecidedOutcome } from './results.js';

interface ClientWindow {
  floor: number;
  // Invariant: floor <= highest; every key of `outcomes` is <= highest.
  highest: number;
  readonly outcomes: Map<number, DecidedOutcome>;
}

export type DuplicateCheck = { readonly seen: false } | { readonly seen: true; readonly original: DecidedOutcome | null };

/** Plain data for snapshots: clients in first-seen order, outcomes in insertion order. */
export interface DuplicateWindowData {
  readonly clients: readonly {
    readonly clientId: string;
    readonly floor: number;
    readonly highest: number;
    readonly outcomes: readonly (readonly [number, DecidedOutcome])[];
  }[];
}

export class DuplicateWindow {
  private readonly clients = new Map<string, ClientWindow>();

  check(clientId: string, sequence: number): DuplicateCheck {
    const client = this.clients.get(clientId);
    if (client === undefined) return { seen: false };
    if (sequence <= client.floor) return { seen: true, original: null };
    const original = client.outcomes.get(sequence);
    return original === undefined ? { seen: false } : { seen: true, original };
  }

  record(clientId: string, sequence: number, outcome: DecidedOutcome): void {
    let client = this.clients.get(clientId);
    if (client === undefined) {
      client = { floor: 0, highest: 0, outcomes: new Map() };
      this.clients.set(clientId, client);
    }
    assert(sequence > client.floor && !client.outcomes.has(sequence), 'only an unseen sequence is recorded');
    client.outcomes.set(sequence, outcome);
    client.highest = Math.max(client.highest, sequence);
    client.floor = Math.max(client.floor, client.highest - duplicateWindowSequences);
    if (client.outcomes.size > 2 * duplicateWindowSequences) {
      for (const kept of client.outcomes.keys()) if (kept <= client.floor) client.outcomes.delete(kept);
    }
  }

  /**
   * The highest s such that every sequence <= s of this client has an outcome (0: none). Below the floor all
   * have one by the proposer contract; above it, the outcomes kept say. A proposer that resumes (the feed's
   * importing leader after a change of leader) starts after this one.
   */
  decidedThrough(clientId: string): number {
    const client = this.clients.get(clientId);
    if (client === undefined) return 0;
    let through = client.floor;
    while (client.outcomes.has(through + 1)) through++;
    return through;
  }

  toData(): DuplicateWindowData {
    return {
      clients: [...this.clients].map(([clientId, client]) => ({
        clientId, floor: client.floor, highest: client.highest, outcomes: [...client.outcomes],
      })),
    };
  }

  static fromData(data: DuplicateWindowData): DuplicateWindow {
    const restored = new DuplicateWindow();
    for (const client of data.clients) {
      restored.clients.set(client.clientId, { floor: client.floor, highest: client.highest, outcomes: new Map(client.outcomes) });
    }
    return restored;
  }
}
