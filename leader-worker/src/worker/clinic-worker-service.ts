// The clinic node of this device as the Worker serves it: builds the ClinicNode on the device's IndexedDB
// (Raft log and outbox, durability 'strict'), the localforage state cache and the transport the page chose,
// then answers the page's control calls and queries. Free of comlink and of the Worker global, so Node and
// Chromium specs run it directly; clinic-worker.ts only exposes it.
import { ChartStateMachine, clientIdLengthMax, decodeCommand, identityPattern, queueRangeHoursMax, stations, type ApplyResult, type CommandEnvelope, type ConflictRecord, type DayRange, type DeviceRevocation, type PatientChart, type QueueEntry, type SearchHit, type Station } from '../chart/index.js';
import { chartStateMachines } from '../node/chart-replica.js';
import { ClinicNode, type ClinicNodeStatus } from '../node/clinic-node.js';
import type { CommandIdentity } from '../node/replicated-state-machine.js';
import type { Scheduler } from '../node/scheduler.js';
import { isNodeId, nodeIdLengthMax } from '../raft/node-id.js';
import { bootstrapState } from '../raft/raft.js';
import type { NodeId, RandomSource } from '../raft/types.js';
import { IndexedDbOutboxStorage } from '../storage/indexeddb-outbox-storage.js';
import { IndexedDbStorageReserve } from '../storage/indexeddb-storage-reserve.js';
import { IndexedDbRaftStorage } from '../storage/indexeddb-raft-storage.js';
import { LocalforageStateCache } from '../storage/localforage-state-cache.js';
import { StorageError } from '../storage/raft-storage.js';
import { BroadcastChannelTransport } from '../transport/broadcast-channel-transport.js';
import { MessagePortTransport } from '../transport/message-port-transport.js';
import type { PeerTransport } from '../transport/peer-transport.js';
import { HttpCentralClient } from '../uplink/http-central-client.js';
import { CentralLink, chartOf } from '../node/central-link.js';
import type { LockDevice } from './device-lock.js';
import { isDevicePower, type DevicePower } from '../voter-policy/voter-policy-decisions.js';
import type {
  CentralLinkConfig, CentralLinkStatus, ChartProposalOutcome, ClinicEvent, ClinicEventListener, ClinicWorkerApi, ClinicWorkerConfig, PendingWrite,
  StartFailureReason, StartOutcome,
} from './clinic-worker-api.js';

export interface ClinicWorkerDependencies {
  readonly scheduler: Scheduler;
  /** A fresh generator for one node's randomized election timeouts. */
  readonly createRandom: () => RandomSource;
  /** Holds the device database exclusively (see device-lock.ts): the node starts only while it is held. */
  readonly lockDevice: LockDevice;
}

/** Founding voters of one clinic; a clinic has a handful of devices. */
const votersMax = 64;
const hourMs = 3_600_000;

interface Running {
  readonly node: ClinicNode<ApplyResult>;
  readonly central: CentralLink | null;
  readonly releaseDevice: () => void;
  readonly stopListening: () => void;
}

export class ClinicWorkerService implements ClinicWorkerApi {
  private running: Running | null = null;
  /** The start in progress, so a stop called meanwhile waits for it and then stops what it started. */
  private opening: Promise<StartOutcome> | null = null;
  private readonly listeners = new Map<number, ClinicEventListener>();
  private nextSubscriptionId = 1;
  /** The last status sent, so subscribers hear a status only when it changed (the node reports every Ready). */
  private lastStatusSent = '';
  /** How many revoked devices subscribers were told of (-1: none told since start). */
  private revocationsSent = -1;

  constructor(private readonly dependencies: ClinicWorkerDependencies) {}

  async start(config: ClinicWorkerConfig): Promise<StartOutcome> {
    if (this.running !== null || this.opening !== null) return failed('alreadyStarted', 'the node is already started');
    const problem = configProblem(config);
    if (problem !== null) return failed('invalidConfig', problem);
    this.opening = this.open(config);
    try {
      return await this.opening;
    } finally {
      this.opening = null;
    }
  }

  propose(command: CommandEnvelope): Promise<ChartProposalOutcome> {
    if (this.running === null) return Promise.resolve({ type: 'failed', reason: 'stopped', message: 'the node is not started' });
    return this.running.node.propose(command as unknown as CommandIdentity & Record<string, unknown>);
  }

  searchPatients(query: string, limit?: number): SearchHit[] {
    check(typeof query === 'string', 'searchPatients: the query is a string');
    check(limit === undefined || (typeof limit === 'number' && Number.isFinite(limit)), 'searchPatients: the limit is a number');
    return this.machine().searchPatients(query, limit);
  }

  openChart(patientId: string): PatientChart | null {
    check(typeof patientId === 'string', 'openChart: the patient id is a string');
    return this.machine().openChart(patientId);
  }

  stationQueue(station: Station, day: DayRange): QueueEntry[] {
    check(stations.includes(station), `stationQueue: the station is one of ${stations.join(', ')}`);
    const { startMs, endMs } = day ?? {};
    const wholeMs = Number.isSafeInteger(startMs) && Number.isSafeInteger(endMs);
    check(wholeMs && startMs < endMs && endMs - startMs <= queueRangeHoursMax * hourMs, `stationQueue: the day is a range of whole ms, at most ${queueRangeHoursMax} hours`);
    return this.machine().stationQueue(station, { startMs, endMs });
  }

  openConflicts(): ConflictRecord[] {
    return this.machine().openConflicts();
  }

  revokedDevices(): readonly DeviceRevocation[] {
    return this.machine().revokedDevices();
  }

  pendingWrites(): PendingWrite[] {
    return this.node().pendingWrites().map((item) => ({
      clientId: item.clientId,
      sequence: item.sequence,
      savedAtMs: item.savedAtMs,
      command: decodeCommand(item.command),
    }));
  }

  status(): ClinicNodeStatus | null {
    return this.running?.node.status() ?? null;
  }

  centralLinkStatus(): CentralLinkStatus | null {
    return this.running?.central?.status() ?? null;
  }

  subscribe(listener: ClinicEventListener): number {
    check(typeof listener === 'function', 'subscribe: the listener is a function');
    const subscriptionId = this.nextSubscriptionId++;
    this.listeners.set(subscriptionId, listener);
    return subscriptionId;
  }

  unsubscribe(subscriptionId: number): void {
    this.listeners.delete(subscriptionId);
  }

  transferLeadership(target: NodeId): boolean {
    check(typeof target === 'string', 'transferLeadership: the target is a device id');
    return this.node().transferLeadership(target);
  }

  setDevicePower(power: DevicePower): void {
    check(isDevicePower(power), 'setDevicePower: onMains and hidden are booleans, batteryLevel a number in [0, 1] or null');
    this.node().setDevicePower({ onMains: power.onMains, batteryLevel: power.batteryLevel, hidden: power.hidden });
  }

  async stop(): Promise<void> {
    await this.opening?.catch(() => undefined);
    const running = this.running;
    if (running === null) return;
    this.running = null;
    running.stopListening();
    running.central?.stop();
    try {
      await running.node.stop();
    } finally {
      running.releaseDevice();
    }
  }

  // ---------------------------------------------------------------------------------------------------

  private async open(config: ClinicWorkerConfig): Promise<StartOutcome> {
    const databaseName = config.databaseName ?? `clinic-mesh/${config.clinicId}/${config.deviceId}`;
    const lock = await this.dependencies.lockDevice(databaseName);
    if (lock.type === 'inUse') return failed('deviceInUse', `another tab or worker runs the node of "${databaseName}"`);
    if (lock.type === 'unavailable') return failed('deviceLockUnavailable', `the node of "${databaseName}" was not started: ${lock.why}`);
    const releaseDevice = lock.release;
    const opened: { close(): Promise<void> | void }[] = [];
    try {
      const raftStorage = await IndexedDbRaftStorage.open({ databaseName });
      opened.push(raftStorage);
      const outboxStorage = await IndexedDbOutboxStorage.open({ databaseName });
      opened.push(outboxStorage);
      const storageReserve = await IndexedDbStorageReserve.open({ databaseName });
      opened.push(storageReserve);
      const transport = this.openTransport(config);
      opened.push(transport);
      // No device compacts past what central holds (recorded in the log by the leader's uplink).
      let started: ClinicNode<ApplyResult> | null = null;
      const compactionBound = config.central === undefined ? {} : { compactionBound: () => (started === null ? 0 : chartOf(started).centralAcknowledgedIndex()) };
      const node = await ClinicNode.start({
        id: config.deviceId,
        raftStorage,
        outboxStorage,
        stateCache: new LocalforageStateCache(databaseName),
        storageReserve,
        transport,
        stateMachines: chartStateMachines(config.clinicId),
        scheduler: this.dependencies.scheduler,
        random: this.dependencies.createRandom(),
        initialState: bootstrapState({ voters: [...config.voters], learners: [] }),
        ...(config.timing === undefined ? {} : { timing: config.timing }),
        ...(config.voterPolicy === false ? {} : { voterPolicy: {} }),
        ...compactionBound,
      });
      started = node;
      const central = config.central === undefined ? null : this.startCentralLink(config.clinicId, config.central, node);
      const stopApplied = node.onApplied((event) => {
        this.emit({ type: 'applied', event });
        this.emitRevocations(node);
      });
      const stopStatus = node.onStatus((status) => this.emitStatus(status));
      this.running = { node, central, releaseDevice, stopListening: () => (stopApplied(), stopStatus()) };
      const status = node.status();
      this.emitStatus(status);
      this.revocationsSent = -1;
      this.emitRevocations(node);
      return { type: 'started', status };
    } catch (error) {
      for (const resource of opened.reverse()) await resource.close();
      releaseDevice();
      if (error instanceof StorageError) return failed(storageFailureReason(error), error.message);
      throw error;
    }
  }

  private startCentralLink(clinicId: string, central: CentralLinkConfig, node: ClinicNode<ApplyResult>): CentralLink {
    const client = new HttpCentralClient({ apiUrl: central.apiUrl, clinicId, credential: central.credential });
    const { scheduler, createRandom } = this.dependencies;
    return CentralLink.start({ clinicId, node, central: client, scheduler, createRandom, chartPolicy: central.chartPolicy ?? 'lease' });
  }

  private openTransport(config: ClinicWorkerConfig): PeerTransport {
    const choice = config.transport;
    if (choice.kind === 'message-port') return new MessagePortTransport({ localId: config.deviceId, port: choice.port });
    return new BroadcastChannelTransport({ localId: config.deviceId, channelName: choice.channelName ?? `clinic-mesh/${config.clinicId}` });
  }

  private node(): ClinicNode<ApplyResult> {
    if (this.running === null) throw new Error('the clinic node is not started: call start() first');
    return this.running.node;
  }

  /** Read on every query: an installed snapshot replaces the node's state machine. */
  private machine(): ChartStateMachine {
    return chartOf(this.node());
  }

  /** Tells subscribers of the revoked devices when there are more than last told (a revocation is never undone). */
  private emitRevocations(node: ClinicNode<ApplyResult>): void {
    const machine = chartOf(node);
    if (machine.revokedDeviceCount() === this.revocationsSent) return;
    this.revocationsSent = machine.revokedDeviceCount();
    this.emit({ type: 'revokedDevices', deviceIds: machine.revokedDevices().map((revocation) => revocation.deviceId) });
  }

  private emitStatus(status: ClinicNodeStatus): void {
    const key = JSON.stringify(status);
    if (key === this.lastStatusSent) return;
    this.lastStatusSent = key;
    this.emit({ type: 'status', status });
  }

  /** A listener on the page may be gone (its proxy released, the page closing): the node carries on. */
  private emit(event: ClinicEvent): void {
    for (const listener of this.listeners.values()) {
      try {
        void Promise.resolve(listener(event)).catch(() => undefined);
      } catch {
        // As above: a subscriber's failure is not the node's.
      }
    }
  }
}

function failed(reason: StartFailureReason, message: string): StartOutcome {
  return { type: 'failed', reason, message };
}

function storageFailureReason(error: StorageError): StartFailureReason {
  if (error.failure === 'full') return 'storageFull';
  return error.failure === 'corrupt' ? 'storageCorrupt' : 'storageUnavailable';
}

/** A query called with arguments the API does not take is the caller's bug: the call rejects with why. */
function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new TypeError(message);
}


/** Why `config` cannot start a node, or null. The page is another thread: nothing it sends is trusted blindly. */
export function configProblem(config: ClinicWorkerConfig): string | null {
  if (typeof config !== 'object' || config === null) return 'the config is an object';
  const { clinicId, deviceId, voters, databaseName, transport } = config;
  if (typeof clinicId !== 'string' || clinicId.length === 0 || clinicId.length > clientIdLengthMax || !identityPattern.test(clinicId)) {
    return `clinicId is 1 to ${clientIdLengthMax} letters, digits or ._~-`;
  }
  if (!isNodeId(deviceId)) return `deviceId is 1 to ${nodeIdLengthMax} characters`;
  // Empty: a device whose database is empty joins a running clinic, as a learner once the leader adds it.
  if (!Array.isArray(voters) || voters.length > votersMax || !voters.every(isNodeId)) {
    return `voters is a list of at most ${votersMax} device ids`;
  }
  if (new Set(voters).size !== voters.length) return 'voters holds a device twice';
  if (databaseName !== undefined && (typeof databaseName !== 'string' || databaseName.length === 0)) return 'databaseName is a non-empty string';
  const centralProblem = centralLinkProblem(config.central);
  if (centralProblem !== null) return centralProblem;
  if (typeof transport !== 'object' || transport === null) return 'transport is { kind: "broadcast-channel" } or { kind: "message-port", port }';
  if (transport.kind === 'message-port') {
    return typeof transport.port?.postMessage === 'function' ? null : 'a message-port transport needs the (transferred) port';
  }
  if (transport.kind !== 'broadcast-channel') return `unknown transport kind "${String((transport as { kind?: unknown }).kind)}"`;
  const { channelName } = transport;
  return channelName === undefined || (typeof channelName === 'string' && channelName.length > 0) ? null : 'channelName is a non-empty string';
}

/** Longest credential accepted in the config (central issues far shorter ones). */
const credentialLengthMax = 512;

function centralLinkProblem(central: CentralLinkConfig | undefined): string | null {
  if (central === undefined) return null;
  if (typeof central !== 'object' || central === null) return 'central is { apiUrl, credential }';
  if (typeof central.apiUrl !== 'string' || !/^https?:\/\/[^\s]+$/.test(central.apiUrl)) return 'central.apiUrl is an http(s) URL';
  if (central.chartPolicy !== undefined && central.chartPolicy !== 'lease' && central.chartPolicy !== 'merge') return "central.chartPolicy is 'lease' or 'merge'";
  if (typeof central.credential !== 'string' || central.credential.length === 0 || central.credential.length > credentialLengthMax) {
    return `central.credential is 1 to ${credentialLengthMax} characters`;
  }
  return null;
}

