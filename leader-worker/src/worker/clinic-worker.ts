// The Worker entry: one clinic node per device, in a dedicated Worker so its timers keep running when the page
// is hidden (Chrome throttles page timers far more than worker timers). It exposes the control API with
// comlink; the page talks to it through ClinicClient. Bundle this file as the worker script.
import { expose } from 'comlink';
import { randomFromCrypto } from '../node/crypto-random.js';
import { realScheduler } from '../node/scheduler.js';
import { ClinicWorkerService } from './clinic-worker-service.js';
import { webLockDevice } from './device-lock.js';

// A broken invariant inside the node (an assert in a timer or a Ready) ends up as a promise rejection nobody
// awaits. Report it as an uncaught error, so it reaches the page's `worker.onerror` and the client stops
// trusting this worker instead of talking to a node in an unknown state.
addEventListener('unhandledrejection', (event) => reportError(event.reason));

// Web Locks may be missing (an insecure context): the service then refuses to start the node.
const locks = (navigator as Navigator & { locks?: LockManager }).locks;
expose(new ClinicWorkerService({ scheduler: realScheduler, createRandom: randomFromCrypto, lockDevice: webLockDevice(locks) }));
