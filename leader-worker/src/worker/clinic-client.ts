// The page's handle on this device's clinic node in its Worker: the comlink remote, with a time limit on every
// call. A comlink promise never settles if the worker died (terminated, crashed, its script failed to load),
// so without a limit the UI would wait forever; instead every call rejects with a ClinicWorkerError. An
// uncaught error in the worker (`worker.onerror`) means the node is in an unknown state: the client
// terminates the worker and fails every call at once, and the app starts a new worker.
import type { DevicePower } from '../voter-policy/voter-policy-decisions.js';
import { proxy, transfer, wrap, type Endpoint, type Remote } from 'comlink';
import type { CommandEnvelope, ConflictRecord, DayRange, DeviceRevocation, PatientChart, QueueEntry, SearchHit, Station } from '../chart/index.js';
import type { ClinicNodeStatus } from '../node/clinic-node.js';
import type { NodeId } from '../raft/types.js';
import type {
  CentralLinkStatus, ChartProposalOutcome, ClinicEventListener, ClinicWorkerApi, ClinicWorkerConfig, PendingWrite, StartOutcome,
} from './clinic-worker-api.js';

export interface ClinicClientLimits {
  /** Queries, status, subscriptions: answered from memory in well under a frame when the worker lives. */
  readonly callTimeoutMs: number;
  /** Opening IndexedDB and replaying the log's tail past the state cache. */
  readonly startTimeoutMs: number;
  /** A proposal waits up to the node's quorumWaitMs for a leader, then for a durable outbox write. */
  readonly proposeTimeoutMs: number;
  /** Stopping waits for the Ready being persisted and closes the database. */
  readonly stopTimeoutMs: number;
}

export const defaultClinicClientLimits: ClinicClientLimits = {
  callTimeoutMs: 5_000,
  startTimeoutMs: 60_000,
  proposeTimeoutMs: 15_000,
  stopTimeoutMs: 10_000,
};

export type ClinicWorkerFailure =
  /** No answer within the call's limit: the worker died without a word (terminated, killed), or is stuck. */
  | 'timeout'
  /** The worker reported an uncaught error (or its script did not load): it was terminated. */
  | 'workerFailed'
  /** terminate() was called. */
  | 'terminated';

/** The one error a ClinicClient call rejects with when the worker did not answer; anything else is the API's. */
export class ClinicWorkerError extends Error {
  override readonly name = 'ClinicWorkerError';

  constructor(
    readonly failure: ClinicWorkerFailure,
    /** The API call that failed, e.g. 'searchPatients'. */
    readonly call: string,
    message: string,
  ) {
    super(`${call}: ${message}`);
  }
}

/** The worker as the client needs it: a comlink endpoint that reports errors and can be terminated. A Worker fits. */
export interface WorkerHandle extends Endpoint {
  terminate(): void;
}

type Unsubscribe = () => Promise<void>;

export class ClinicClient {
  private readonly limits: ClinicClientLimits;
  private readonly remote: Remote<ClinicWorkerApi>;
  /** Set once the worker is known to be gone; every call then rejects at once with its failure. */
  private failure: { readonly kind: ClinicWorkerFailure; readonly reason: string } | null = null;
  /** Rejecters of the calls waiting for the worker, so a failure ends them all now, not at their time limits. */
  private readonly waiting = new Set<(kind: ClinicWorkerFailure, reason: string) => void>();

  constructor(private readonly worker: WorkerHandle, limits: Partial<ClinicClientLimits> = {}) {
    this.limits = { ...defaultClinicClientLimits, ...limits };
    this.remote = wrap<ClinicWorkerApi>(worker);
    worker.addEventListener('error', (event) => {
      // Handled here: the worker is terminated and every call says why, so it is not also an uncaught page error.
      event.preventDefault();
      this.fail('workerFailed', describeWorkerError(event));
    });
  }

  /** Starts a module worker from `scriptUrl` (the bundled clinic-worker.ts) and wraps it. */
  static launch(scriptUrl: string | URL, limits: Partial<ClinicClientLimits> = {}, options: WorkerOptions = {}): ClinicClient {
    return new ClinicClient(new Worker(scriptUrl, options), limits);
  }

  /** Why calls fail at once, or null while the worker is trusted. */
  get failed(): ClinicWorkerFailure | null {
    return this.failure?.kind ?? null;
  }

  /** A message-port transport's port is transferred to the worker: it is unusable on the page afterwards. */
  start(config: ClinicWorkerConfig): Promise<StartOutcome> {
    const transfers = config.transport.kind === 'message-port' ? [config.transport.port] : [];
    return this.call<StartOutcome>('start', 'startTimeoutMs', () => this.remote.start(transfer(config, transfers)));
  }

  propose(command: CommandEnvelope): Promise<ChartProposalOutcome> {
    return this.call<ChartProposalOutcome>('propose', 'proposeTimeoutMs', () => this.remote.propose(command));
  }

  searchPatients(query: string, limit?: number): Promise<SearchHit[]> {
    return this.call('searchPatients', 'callTimeoutMs', () => this.remote.searchPatients(query, limit));
  }

  openChart(patientId: string): Promise<PatientChart | null> {
    return this.call<PatientChart | null>('openChart', 'callTimeoutMs', () => this.remote.openChart(patientId));
  }

  stationQueue(station: Station, day: DayRange): Promise<QueueEntry[]> {
    return this.call('stationQueue', 'callTimeoutMs', () => this.remote.stationQueue(station, day));
  }

  openConflicts(): Promise<ConflictRecord[]> {
    return this.call('openConflicts', 'callTimeoutMs', () => this.remote.openConflicts());
  }

  revokedDevices(): Promise<readonly DeviceRevocation[]> {
    return this.call('revokedDevices', 'callTimeoutMs', () => this.remote.revokedDevices());
  }

  pendingWrites(): Promise<PendingWrite[]> {
    return this.call('pendingWrites', 'callTimeoutMs', () => this.remote.pendingWrites());
  }

  status(): Promise<ClinicNodeStatus | null> {
    return this.call<ClinicNodeStatus | null>('status', 'callTimeoutMs', () => this.remote.status());
  }

  /** The link to central as this device sees it (entries not yet uploaded, feed items taken, a refusal); null without one. */
  centralLinkStatus(): Promise<CentralLinkStatus | null> {
    return this.call<CentralLinkStatus | null>('centralLinkStatus', 'callTimeoutMs', () => this.remote.centralLinkStatus());
  }

  setDevicePower(power: DevicePower): Promise<void> {
    return this.call('setDevicePower', 'callTimeoutMs', () => this.remote.setDevicePower(power));
  }

  /** Resolves with the function that ends the subscription. */
  async subscribe(listener: ClinicEventListener): Promise<Unsubscribe> {
    const subscriptionId = await this.call('subscribe', 'callTimeoutMs', () => this.remote.subscribe(proxy(listener)));
    return () => this.call('unsubscribe', 'callTimeoutMs', () => this.remote.unsubscribe(subscriptionId));
  }

  transferLeadership(target: NodeId): Promise<boolean> {
    return this.call('transferLeadership', 'callTimeoutMs', () => this.remote.transferLeadership(target));
  }

  stop(): Promise<void> {
    return this.call('stop', 'stopTimeoutMs', () => this.remote.stop());
  }

  /** Ends the worker now (nothing is flushed: the node recovers from its log at the next start). */
  terminate(): void {
    this.fail('terminated', 'the clinic worker was terminated');
  }

  private fail(kind: ClinicWorkerFailure, reason: string): void {
    if (this.failure !== null) return;
    this.failure = { kind, reason };
    this.worker.terminate();
    for (const reject of [...this.waiting]) reject(kind, reason);
  }

  /** `Result` is named where the answer is a union: comlink types a union's promise as a union of promises. */
  private call<Result>(name: string, limit: keyof ClinicClientLimits, invoke: () => Promise<Result>): Promise<Result> {
    if (this.failure !== null) return Promise.reject(new ClinicWorkerError(this.failure.kind, name, this.failure.reason));
    const timeoutMs = this.limits[limit];
    return new Promise<Result>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiting.delete(fail);
      };
      const fail = (kind: ClinicWorkerFailure, reason: string): void => {
        done();
        reject(new ClinicWorkerError(kind, name, reason));
      };
      const timer = setTimeout(() => fail('timeout', `no answer from the clinic worker within ${timeoutMs} ms (${limit}): it died or is stuck`), timeoutMs);
      this.waiting.add(fail);
      invoke().then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          reject(error);
        },
      );
    });
  }
}

function describeWorkerError(event: Event): string {
  const message = (event as Partial<ErrorEvent>).message;
  return typeof message === 'string' && message !== ''
    ? `the clinic worker failed: ${message}`
    : 'the clinic worker failed (its script did not load, or it threw without a message)';
}
