// The page's client against a stand-in worker: comlink on a MessageChannel, whose far side exposes a stub API
// and can report an error or die without a word. Runs in Node and in Chromium.
import { expose } from 'comlink';
import type { ClinicNodeStatus } from '../../src/node/clinic-node.js';
import type { ClinicEvent, ClinicEventListener, ClinicWorkerApi, ClinicWorkerConfig } from '../../src/worker/clinic-worker-api.js';
import { ClinicClient, ClinicWorkerError, type WorkerHandle } from '../../src/worker/clinic-client.js';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const status: ClinicNodeStatus = {
  id: 'tablet-1', role: 'leader', term: 2, leaderId: 'tablet-1', commitIndex: 4, appliedIndex: 4, pendingWrites: 0, writesHandedOff: 0,
  droppedPeerMessages: 0, storageFailure: null, storageLow: false, stateHash: '0'.repeat(32), membership: { voters: ['tablet-1'], learners: [] },
};

/** What the stand-in worker exposes: any of the API's calls, answering anything (comlink awaits promises). */
type StubApi = { [Name in keyof ClinicWorkerApi]?: (...args: Parameters<ClinicWorkerApi[Name]>) => unknown };

/** A worker in the same thread: what it exposes answers over a real MessageChannel, as a Worker's would. */
class StandInWorker implements WorkerHandle {
  terminated = false;
  private readonly channel = new MessageChannel();
  private readonly errors = new EventTarget();

  constructor(api: StubApi) {
    expose(api, this.channel.port2);
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.channel.port1.postMessage(message, transfer);
  }

  addEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    (type === 'error' ? this.errors : this.channel.port1).addEventListener(type, listener);
  }

  removeEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    (type === 'error' ? this.errors : this.channel.port1).removeEventListener(type, listener);
  }

  start(): void {
    this.channel.port1.start();
  }

  terminate(): void {
    this.terminated = true;
    this.dieWithoutAWord();
  }

  /** What a killed worker does: nothing more arrives, and nothing says so. */
  dieWithoutAWord(): void {
    this.channel.port2.close();
    this.channel.port1.close();
  }

  /** What an uncaught error in a worker does: an error event on the Worker object. */
  reportError(message: string): void {
    this.errors.dispatchEvent(Object.assign(new Event('error'), { message }));
  }
}

/** Awaits a rejection and returns it as a ClinicWorkerError (failing the spec if it is anything else). */
async function workerError(promise: Promise<unknown>): Promise<ClinicWorkerError> {
  const outcome = await promise.then(() => 'resolved', (error: unknown) => error);
  expect(outcome).toBeInstanceOf(ClinicWorkerError);
  return outcome as ClinicWorkerError;
}

describe('ClinicClient (the page side of the worker)', () => {
  const workers: StandInWorker[] = [];

  afterEach(() => workers.splice(0).forEach((worker) => worker.dieWithoutAWord()));

  function client(api: StubApi, limits = { callTimeoutMs: 150, proposeTimeoutMs: 10_000 }): { client: ClinicClient; worker: StandInWorker } {
    const worker = new StandInWorker(api);
    workers.push(worker);
    return { client: new ClinicClient(worker, limits), worker };
  }

  it('answers with what the worker returns', async () => {
    const hit = { patientId: 'p-1', name: { given: 'Amina', family: 'Okello' }, sex: 'female', birth: { estimated: true, birthYear: 1990 }, village: null, phone: null, matchedBy: 'name' };
    const { client: clinic } = client({ searchPatients: () => [hit], status: () => status });
    expect(await clinic.searchPatients('amina')).toEqual([hit] as never);
    expect(await clinic.status()).toEqual(status);
    expect(clinic.failed).toBeNull();
  });

  it('rejects a call the worker never answers with a ClinicWorkerError when its limit runs out', async () => {
    const { client: clinic } = client({ status: never });
    const startedMs = performance.now();
    const error = await workerError(clinic.status());
    const elapsedMs = performance.now() - startedMs;
    expect(error.failure).toBe('timeout');
    expect(error.call).toBe('status');
    expect(error.message).toContain('callTimeoutMs');
    expect(elapsedMs).toBeGreaterThanOrEqual(140);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('rejects, within the limit, a call to a worker that died without a word', async () => {
    const { client: clinic, worker } = client({ status: () => status });
    expect(await clinic.status()).toEqual(status);
    worker.dieWithoutAWord();
    expect((await workerError(clinic.status())).failure).toBe('timeout');
  });

  it('fails every call in flight at once when the worker reports an error, terminates it, and fails later calls at once', async () => {
    const { client: clinic, worker } = client({ status: never, propose: never, searchPatients: () => [] });
    const inFlight = [clinic.status(), clinic.propose({} as never)];
    await sleep(20);
    const startedMs = performance.now();
    worker.reportError('InvariantViolation: applied index went backwards');
    const errors = await Promise.all(inFlight.map(workerError));
    expect(performance.now() - startedMs).withContext('not at the 10 s propose limit').toBeLessThan(100);
    expect(errors.map((error) => [error.failure, error.call])).toEqual([['workerFailed', 'status'], ['workerFailed', 'propose']]);
    expect(errors[0]!.message).toContain('applied index went backwards');
    expect(worker.terminated).toBeTrue();
    expect(clinic.failed).toBe('workerFailed');
    const later = await workerError(clinic.searchPatients('amina'));
    expect([later.failure, later.call]).toEqual(['workerFailed', 'searchPatients']);
  });

  it('terminate() ends the worker and fails what was waiting with "terminated"', async () => {
    const { client: clinic, worker } = client({ stop: never });
    const stopping = clinic.stop();
    clinic.terminate();
    expect((await workerError(stopping)).failure).toBe('terminated');
    expect(worker.terminated).toBeTrue();
    expect((await workerError(clinic.openConflicts())).failure).toBe('terminated');
  });

  it('passes the API\'s own errors through as they are', async () => {
    const { client: clinic } = client({
      openChart: () => {
        throw new TypeError('openChart: the patient id is a string');
      },
    });
    const outcome = await clinic.openChart(42 as never).then(() => null, (error: unknown) => error);
    expect(outcome).not.toBeInstanceOf(ClinicWorkerError);
    expect((outcome as Error).message).toBe('openChart: the patient id is a string');
  });

  it('delivers the events of a subscription until it ends', async () => {
    const listeners = new Map<number, ClinicEventListener>();
    const emit = (event: ClinicEvent): void => listeners.forEach((listener) => void listener(event));
    const { client: clinic } = client({
      subscribe: (listener) => (listeners.set(7, listener), 7),
      unsubscribe: (subscriptionId) => void listeners.delete(subscriptionId),
    });
    const heard: ClinicEvent[] = [];
    const unsubscribe = await clinic.subscribe((event) => void heard.push(event));
    emit({ type: 'status', status });
    await eventually(() => heard.length === 1);
    await unsubscribe();
    emit({ type: 'status', status: { ...status, term: 3 } });
    await sleep(30);
    expect(heard).toEqual([{ type: 'status', status }]);
  });

  it('hands a message-port transport\'s port to the worker', async () => {
    const { client: clinic } = client({
      start: (config: ClinicWorkerConfig) => {
        if (config.transport.kind !== 'message-port') throw new Error('expected a port');
        config.transport.port.postMessage('hello from the worker');
        return { type: 'started', status } as const;
      },
    });
    const link = new MessageChannel();
    const heard: unknown[] = [];
    link.port1.onmessage = (event) => heard.push(event.data);
    const outcome = await clinic.start({ clinicId: 'clinic-1', deviceId: 'tablet-1', voters: ['tablet-1'], transport: { kind: 'message-port', port: link.port2 } });
    expect(outcome.type).toBe('started');
    await eventually(() => heard.length === 1);
    expect(heard).toEqual(['hello from the worker']);
    link.port1.close();
  });
});

async function eventually(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  for (let waitedMs = 0; !condition(); waitedMs += 5) {
    if (waitedMs >= timeoutMs) throw new Error('timed out');
    await sleep(5);
  }
}
