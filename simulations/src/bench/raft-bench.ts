// Throughput of the Raft core alone: a cluster on a synchronous in-memory network, no faults, no disk,
// proposals as fast as the leader commits them. It shows whether the core could ever be what a clinic
// waits for; storage, encoding and WebRTC are measured by their own benchmarks.
import { performance } from 'node:perf_hooks';
import { Raft, bootstrapState } from '../../../leader-worker/src/raft/raft.js';
import { handleReadies } from '../../../leader-worker/src/raft/ready-loop.js';
import { SeededRandom } from '../../../leader-worker/src/raft/seeded-random.js';
import type { Message, NodeId } from '../../../leader-worker/src/raft/types.js';

export interface RaftBenchSetup {
  readonly nodes: number;
  /** Commands per proposal call, as the outbox and UI batch them. */
  readonly batchSize: number;
  /** Bytes per command: a vital-signs or prescription event is a few hundred bytes. */
  readonly commandBytes: number;
  /** Proposal batches the leader may have uncommitted at once. */
  readonly batchesInFlightMax: number;
  readonly durationMs: number;
}

export interface RaftBenchRun {
  readonly entries: number;
  readonly elapsedMs: number;
  readonly entriesPerSecond: number;
  readonly messages: number;
}

/** Runs one measurement: elects a leader, then proposes for `durationMs` and counts what commits everywhere. */
export function runRaftBench(setup: RaftBenchSetup, seed: number): RaftBenchRun {
  const ids: NodeId[] = Array.from({ length: setup.nodes }, (_, index) => `device-${index + 1}`);
  const random = new SeededRandom(seed);
  const nodes = new Map<NodeId, Raft>();
  for (const id of ids) {
    nodes.set(id, new Raft({ id, electionTimeoutTicks: 10, heartbeatIntervalTicks: 1, random: random.fork() }, bootstrapState({ voters: ids, learners: [] })));
  }
  const queue: Message[] = [];
  const appliedByNode = new Map<NodeId, number>(ids.map((id) => [id, 0]));
  let messages = 0;

  // Nothing is persisted: the bench measures the core and the loop around it, not a disk.
  const drain = (id: NodeId): void =>
    handleReadies(nodes.get(id)!, {
      persist: () => undefined,
      send: (messages) => queue.push(...messages),
      apply: (ready) => {
        let commands = 0;
        for (const entry of ready.committedEntries) if (entry.type === 'command') commands++;
        appliedByNode.set(id, appliedByNode.get(id)! + commands);
      },
    });
  const pump = (): void => {
    for (const id of ids) drain(id);
    while (queue.length > 0) {
      const batch = queue.splice(0, queue.length);
      messages += batch.length;
      for (const message of batch) {
        nodes.get(message.to)!.step(message);
        drain(message.to);
      }
    }
  };

  const leaderId = ids[0]!;
  const leader = nodes.get(leaderId)!;
  for (let tick = 0; tick < 40 && leader.status().role !== 'leader'; tick++) {
    leader.tick();
    pump();
  }
  if (leader.status().role !== 'leader') throw new Error('benchmark cluster elected no leader');

  const payload = new Uint8Array(setup.commandBytes).fill(7);
  const batch = Array.from({ length: setup.batchSize }, () => payload);
  const slowestApplied = (): number => Math.min(...appliedByNode.values());
  const started = performance.now();
  let proposed = 0;
  let elapsedMs = 0;
  while (elapsedMs < setup.durationMs) {
    for (let batchCount = 0; batchCount < setup.batchesInFlightMax; batchCount++) {
      const result = leader.propose(batch);
      if (result.type !== 'appended') throw new Error(`benchmark proposal refused: ${JSON.stringify(result)}`);
      proposed += setup.batchSize;
    }
    pump();
    // A heartbeat round carries the new commit index to followers that hold everything already.
    leader.tick();
    pump();
    elapsedMs = performance.now() - started;
  }
  const committedEverywhere = slowestApplied();
  if (committedEverywhere !== proposed) throw new Error(`only ${committedEverywhere} of ${proposed} entries applied on every node`);
  return { entries: committedEverywhere, elapsedMs, entriesPerSecond: (committedEverywhere / elapsedMs) * 1000, messages };
}
