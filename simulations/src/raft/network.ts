// The simulated clinic network: per-message latency (LAN, with a long tail that reorders), loss,
// duplication, misdelivery, and blocked directed links. A symmetric partition is a set of links blocked in
// both directions; a one-way fault blocks one direction. Faults reference-count links, so they overlap.
import type { Message, NodeId } from '../../../leader-worker/src/raft/types.js';
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { EventQueue } from '../engine/event-queue.js';
import type { Trace } from '../engine/trace.js';
import { describeMessage } from '../../../leader-worker/src/raft/describe-message.js';
import type { NetworkConditions } from './fault-profiles.js';
import type { RaftFigures } from './figures.js';

/** Where messages go once they arrive: the simulation routes them to nodes (which may be down or paused). */
export interface NetworkEndpoint {
  receive(message: Message, recipient: NodeId): void;
  /** Every node that exists now, in a stable order (for misdelivery). */
  nodeIds(): readonly NodeId[];
}

export class Network {
  private conditions: NetworkConditions;
  private readonly blockedLinks = new Map<string, number>();

  constructor(
    private readonly queue: EventQueue,
    private readonly random: SeededRandom,
    private readonly trace: Trace,
    private readonly figures: RaftFigures,
    private readonly endpoint: NetworkEndpoint,
    conditions: NetworkConditions,
  ) {
    this.conditions = conditions;
  }

  setConditions(conditions: NetworkConditions): void {
    this.conditions = conditions;
  }

  block(from: NodeId, to: NodeId): void {
    const key = linkKey(from, to);
    this.blockedLinks.set(key, (this.blockedLinks.get(key) ?? 0) + 1);
  }

  unblock(from: NodeId, to: NodeId): void {
    const key = linkKey(from, to);
    const count = this.blockedLinks.get(key) ?? 0;
    if (count <= 1) this.blockedLinks.delete(key);
    else this.blockedLinks.set(key, count - 1);
  }

  /** Heals every partition and one-way link at once. */
  unblockAll(): void {
    this.blockedLinks.clear();
  }

  canReach(from: NodeId, to: NodeId): boolean {
    // Asked after every event by the availability checks: most of the time nothing is blocked.
    return this.blockedLinks.size === 0 || !this.blockedLinks.has(linkKey(from, to));
  }

  send(message: Message): void {
    this.figures.messagesSent++;
    if (!this.canReach(message.from, message.to)) {
      this.figures.messagesCut++;
      this.traceDrop('cut', message);
      return;
    }
    if (this.random.chance(this.conditions.lossProbability)) {
      this.figures.messagesLost++;
      this.traceDrop('lost', message);
      return;
    }
    this.scheduleArrival(message);
    if (this.random.chance(this.conditions.duplicationProbability)) {
      this.figures.messagesDuplicated++;
      this.scheduleArrival(message);
    }
  }

  private scheduleArrival(message: Message): void {
    const latencyMs = this.drawLatencyMs();
    const recipient = this.random.chance(this.conditions.misdeliveryProbability) ? this.wrongRecipient(message) : message.to;
    this.queue.scheduleAfter(latencyMs, () => this.arrive(message, recipient));
  }

  private arrive(message: Message, recipient: NodeId): void {
    // A partition that started while the message was in flight cuts it too.
    if (!this.canReach(message.from, recipient)) {
      this.figures.messagesCut++;
      this.traceDrop('cut in flight', message);
      return;
    }
    this.endpoint.receive(message, recipient);
  }

  private drawLatencyMs(): number {
    const { latency, latencyTailProbability, latencyTailMsMax } = this.conditions;
    if (latencyTailMsMax > latency.maxMs && this.random.chance(latencyTailProbability)) {
      return latency.maxMs + 1 + this.random.nextInt(latencyTailMsMax - latency.maxMs);
    }
    return latency.minMs + this.random.nextInt(latency.maxMs - latency.minMs + 1);
  }

  private wrongRecipient(message: Message): NodeId {
    const others = this.endpoint.nodeIds().filter((id) => id !== message.to);
    const chosen = others.length === 0 ? message.to : others[this.random.nextInt(others.length)]!;
    if (chosen !== message.to) this.figures.messagesMisdelivered++;
    return chosen;
  }

  private traceDrop(reason: string, message: Message): void {
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, `net ${reason}: ${describeMessage(message)}`);
  }
}

function linkKey(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}
