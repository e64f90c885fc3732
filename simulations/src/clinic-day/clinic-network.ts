// The clinic's Wi-Fi for real nodes: leader-worker's InMemoryNetwork (FIFO per link, cut and heal, crash)
// with every delivery put on the simulator's virtual clock at a drawn latency. A delivery to a sleeping
// device waits until it wakes. Cuts have causes (the router, a partition, a burst of interference) and are
// counted per cause, so faults overlap and each heals only its own cuts.
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { NodeId } from '../../../leader-worker/src/raft/types.js';
import { InMemoryNetwork, type Delivery } from '../../../leader-worker/src/transport/in-memory-network.js';
import type { EventQueue } from '../engine/event-queue.js';
import type { ClinicFigures } from './clinic-figures.js';
import type { ClinicNetworkConditions } from './fault-profiles.js';

/** Why a link is cut: the router is down, a partition, or a short burst of interference on one link. */
export type CutCause = 'lan' | 'partition' | 'flaky';

/** Where deliveries land: the simulation holds them for a sleeping device. */
export interface DeliveryTarget {
  deliverWhenAwake(to: NodeId, deliver: () => void): void;
}

export class ClinicNetwork {
  readonly hub: InMemoryNetwork;
  private conditions: ClinicNetworkConditions;
  /** `${from}>${to}` -> cause -> how many faults of that cause cut it. */
  private readonly cuts = new Map<string, Map<CutCause, number>>();

  constructor(
    private readonly queue: EventQueue,
    private readonly random: SeededRandom,
    private readonly figures: ClinicFigures,
    private readonly target: DeliveryTarget,
    conditions: ClinicNetworkConditions,
    onListenerError: (error: unknown, deviceId: NodeId) => void,
  ) {
    this.conditions = conditions;
    this.hub = new InMemoryNetwork({ scheduler: (delivery, deliver) => this.schedule(delivery, deliver), onListenerError });
  }

  setConditions(conditions: ClinicNetworkConditions): void {
    this.conditions = conditions;
  }

  /** Cuts `from -> to` for one more fault of `cause`. */
  cut(from: NodeId, to: NodeId, cause: CutCause): void {
    const key = linkKey(from, to);
    let causes = this.cuts.get(key);
    if (causes === undefined) this.cuts.set(key, (causes = new Map()));
    causes.set(cause, (causes.get(cause) ?? 0) + 1);
    this.hub.cutOneWay(from, to);
  }

  /** One fault of `cause` on `from -> to` ended; the link heals when no fault cuts it any more. */
  heal(from: NodeId, to: NodeId, cause: CutCause): void {
    const key = linkKey(from, to);
    const causes = this.cuts.get(key);
    const count = causes?.get(cause) ?? 0;
    if (causes === undefined || count === 0) return;
    if (count === 1) causes.delete(cause);
    else causes.set(cause, count - 1);
    if (causes.size > 0) return;
    this.cuts.delete(key);
    this.hub.healOneWay(from, to);
  }

  /** Both directions between every pair of `a` and `b`. */
  cutBetween(a: readonly NodeId[], b: readonly NodeId[], cause: CutCause): void {
    for (const x of a) for (const y of b) if (x !== y) {
      this.cut(x, y, cause);
      this.cut(y, x, cause);
    }
  }

  healBetween(a: readonly NodeId[], b: readonly NodeId[], cause: CutCause): void {
    for (const x of a) for (const y of b) if (x !== y) {
      this.heal(x, y, cause);
      this.heal(y, x, cause);
    }
  }

  /** Every cut of every cause, at once (when the doors close). */
  healAll(): void {
    for (const key of [...this.cuts.keys()]) {
      const [from, to] = key.split('>') as [NodeId, NodeId];
      this.cuts.delete(key);
      this.hub.healOneWay(from, to);
    }
  }

  /** Whether a cut of one of `causes` touches `id` in either direction. */
  isCutOff(id: NodeId, causes: readonly CutCause[]): boolean {
    for (const [key, cutCauses] of this.cuts) {
      const [from, to] = key.split('>');
      if (from !== id && to !== id) continue;
      if (causes.some((cause) => cutCauses.has(cause))) return true;
    }
    return false;
  }

  /** Whether no cut of any cause blocks the link from `from` to `to`. */
  linked(from: NodeId, to: NodeId): boolean {
    // Asked after every event by the availability checks: most of the time nothing is cut.
    return this.cuts.size === 0 || !this.cuts.has(linkKey(from, to));
  }

  /** Whether no cut of one of `causes` separates `a` and `b`, in either direction. */
  connected(a: NodeId, b: NodeId, causes: readonly CutCause[]): boolean {
    const cut = (from: NodeId, to: NodeId): boolean => {
      const cutCauses = this.cuts.get(linkKey(from, to));
      return cutCauses !== undefined && causes.some((cause) => cutCauses.has(cause));
    };
    return !cut(a, b) && !cut(b, a);
  }

  private schedule(delivery: Delivery, deliver: () => void): void {
    if (delivery.type === 'message') this.figures.messagesSent++;
    const { latency, latencyTailProbability, latencyTailMsMax } = this.conditions;
    const tail = latencyTailProbability > 0 && this.random.chance(latencyTailProbability);
    const latencyMs = tail ? latency.maxMs + this.random.nextInt(Math.max(1, latencyTailMsMax)) : latency.minMs + this.random.nextInt(latency.maxMs - latency.minMs + 1);
    this.queue.scheduleAfter(latencyMs, () => this.target.deliverWhenAwake(delivery.to, deliver));
  }
}

/** Ids never contain '>' (device ids are letters, digits and dashes). */
function linkKey(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}
