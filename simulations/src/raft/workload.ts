// The clinicians: one client per device creates commands at random times and proposes them through its
// device, retries what is not yet acknowledged, and counts a command acknowledged once its own device has
// applied it. After healing no new commands are created; pending ones keep being retried.
import type { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { Entry, NodeId } from '../../../leader-worker/src/raft/types.js';
import type { EventQueue } from '../engine/event-queue.js';
import type { Trace } from '../engine/trace.js';
import { simulatorAssert } from '../engine/violation.js';
import { decodeCommand } from './command-codec.js';
import { describeResult } from './describe.js';
import type { RaftFigures } from './figures.js';
import type { AcknowledgementLedger } from './invariants/acknowledgement-ledger.js';
import type { WorkloadSettings } from './settings.js';
import type { SimulatedNode } from './simulated-node.js';
import { WorkloadClient, type PendingCommand } from './workload-client.js';

export interface WorkloadCluster {
  node(id: NodeId): SimulatedNode | undefined;
}

/** Where the state machine applied (clientId, seq), per the invariant checker's global record. */
export type AppliedIndexLookup = (clientId: number, seq: number) => number | undefined;

/** Since when a node has been connected to a healthy leader without a break, or null (AvailabilityChecker). */
export type HealthyConnectionLookup = (nodeId: NodeId) => number | null;

export class Workload {
  private readonly clients = new Map<number, WorkloadClient>();
  private generating = true;

  constructor(
    private readonly queue: EventQueue,
    private readonly random: SeededRandom,
    private readonly trace: Trace,
    private readonly figures: RaftFigures,
    private readonly settings: WorkloadSettings,
    private readonly ledger: AcknowledgementLedger,
    private readonly appliedIndexOf: AppliedIndexLookup,
    private readonly cluster: WorkloadCluster,
    private readonly connectedToHealthyLeaderSince: HealthyConnectionLookup,
  ) {}

  addClient(clientId: number, nodeId: NodeId): void {
    const client = new WorkloadClient(clientId, nodeId);
    this.clients.set(clientId, client);
    this.scheduleGeneration(client);
    this.queue.scheduleAfter(this.settings.retryIntervalMs / 2, () => this.retryLoop(client));
  }

  /** Healing: from now on only pending commands are proposed, so the cluster can drain them. */
  stopGenerating(): void {
    this.generating = false;
  }

  pendingTotal(): number {
    let total = 0;
    for (const client of this.clients.values()) total += client.pendingCount;
    return total;
  }

  /** Pending commands as text, for a liveness violation report. */
  describePending(): string {
    const parts: string[] = [];
    for (const client of this.clients.values()) {
      for (const command of client.pending()) parts.push(`client ${client.clientId}@${client.nodeId} seq ${command.seq} (created ${command.createdAtMs}ms, proposed ${command.proposals}x)`);
    }
    return parts.slice(0, 8).join('; ') + (parts.length > 8 ? `; and ${parts.length - 8} more` : '');
  }

  /** A node applied an entry: if it is a pending command of a client on that node, acknowledge it. */
  applied(node: SimulatedNode, entry: Entry): void {
    if (entry.type !== 'command') return;
    const command = decodeCommand(entry.data);
    if (command === null) return;
    const client = this.clients.get(command.clientId);
    if (client === undefined || client.nodeId !== node.id || !client.isPending(command.seq)) return;
    this.acknowledge(client, command.seq);
  }

  /** A node's state jumped (snapshot, restart, new home): acknowledge what its state already holds. */
  catchUp(node: SimulatedNode): void {
    for (const client of this.clients.values()) {
      if (client.nodeId !== node.id) continue;
      const machine = node.stateMachine();
      for (const command of [...client.pending()]) {
        if (machine.hasApplied(client.clientId, command.seq)) this.acknowledge(client, command.seq);
      }
    }
  }

  /** The device of these clients was retired: they carry on through another device. */
  rehome(fromNodeId: NodeId, toNodeId: NodeId): void {
    for (const client of this.clients.values()) {
      if (client.nodeId !== fromNodeId) continue;
      client.nodeId = toNodeId;
      if (this.trace.enabled) this.trace.write(this.queue.nowMs, `client ${client.clientId} moves from ${fromNodeId} to ${toNodeId}`);
    }
  }

  private acknowledge(client: WorkloadClient, seq: number): void {
    const index = this.appliedIndexOf(client.clientId, seq);
    simulatorAssert(index !== undefined, `client ${client.clientId} seq ${seq} acknowledged but never applied`);
    const command = client.acknowledge(seq)!;
    this.ledger.record({ clientId: client.clientId, seq, index, atMs: this.queue.nowMs });
    this.figures.acknowledged++;
    this.figures.acknowledgeLatencyMs.push(this.queue.nowMs - command.createdAtMs);
    const connectedSince = this.connectedToHealthyLeaderSince(client.nodeId);
    if (connectedSince !== null && connectedSince <= command.createdAtMs) this.figures.acknowledgeLatencyHealthyMs.push(this.queue.nowMs - command.createdAtMs);
    if (this.trace.enabled) this.trace.write(this.queue.nowMs, `client ${client.clientId} acknowledged seq ${seq} at index ${index}`);
  }

  private scheduleGeneration(client: WorkloadClient): void {
    // Uniform in [1, 2 * mean]: the right mean, and no transcendental functions whose last bits could vary.
    const delayMs = 1 + this.random.nextInt(2 * this.settings.commandIntervalMsMean);
    this.queue.scheduleAfter(delayMs, () => this.generate(client));
  }

  private generate(client: WorkloadClient): void {
    if (!this.generating) return;
    this.scheduleGeneration(client);
    const node = this.cluster.node(client.nodeId);
    // A frozen or crashed device has no clinician typing into it; a full outbox waits for acknowledgements.
    if (node === undefined || !node.isUp || client.pendingCount >= this.settings.pendingProposalsPerClientMax) return;
    const command = client.create(this.queue.nowMs, this.random, this.settings.payloadBytesMax);
    this.figures.commandsCreated++;
    this.propose(client, node, [command]);
  }

  private retryLoop(client: WorkloadClient): void {
    this.queue.scheduleAfter(this.settings.retryIntervalMs / 2, () => this.retryLoop(client));
    const node = this.cluster.node(client.nodeId);
    if (node === undefined || !node.isUp) return;
    const due = client.dueForRetry(this.queue.nowMs, this.settings.retryIntervalMs);
    for (let start = 0; start < due.length; start += this.settings.proposalBatchMax) {
      if (!node.isUp) return;
      this.propose(client, node, due.slice(start, start + this.settings.proposalBatchMax));
    }
  }

  private propose(client: WorkloadClient, node: SimulatedNode, commands: readonly PendingCommand[]): void {
    for (const command of commands) {
      command.lastProposedAtMs = this.queue.nowMs;
      command.proposals++;
    }
    this.figures.proposeCalls++;
    const result = node.propose(commands.map((command) => command.bytes));
    if (result.type === 'refused') this.figures.proposalsRefused++;
    if (this.trace.enabled) {
      const seqs = commands.map((command) => command.seq).join(',');
      this.trace.write(this.queue.nowMs, `client ${client.clientId} proposes seq ${seqs} via ${node.id}: ${describeResult(result)}`);
    }
  }
}
