// The device lock decides whether a node may start at all: held, in use elsewhere, or impossible (fail
// closed). Here against a LockManager that keeps locks as the browser does; clinic-workers.chromium-spec.ts
// checks the same function with Chromium's own navigator.locks.
import { deviceLockName, webLockDevice } from '../../src/worker/device-lock.js';

/** The part of the Web Locks API the device lock uses, with the browser's ifAvailable semantics. */
class LocksAsTheBrowserKeepsThem {
  readonly held = new Set<string>();

  request(name: string, _options: LockOptions, callback: (lock: Lock | null) => unknown): Promise<unknown> {
    if (this.held.has(name)) return Promise.resolve(callback(null));
    this.held.add(name);
    return Promise.resolve(callback({ name, mode: 'exclusive' } as Lock)).finally(() => this.held.delete(name));
  }
}

function asLockManager(locks: object): LockManager {
  return locks as LockManager;
}

describe('The device lock (one node per device database)', () => {
  it('is held by one worker at a time, and free again once released', async () => {
    const locks = new LocksAsTheBrowserKeepsThem();
    const lockDevice = webLockDevice(asLockManager(locks));
    const first = await lockDevice('clinic-mesh/c1/tablet-1');
    expect(first.type).toBe('held');
    expect(locks.held).toEqual(new Set([deviceLockName('clinic-mesh/c1/tablet-1')]));
    expect(await lockDevice('clinic-mesh/c1/tablet-1')).toEqual({ type: 'inUse' });
    expect((await lockDevice('clinic-mesh/c1/tablet-2')).type).toBe('held');
    if (first.type === 'held') first.release();
    await Promise.resolve();
    expect((await lockDevice('clinic-mesh/c1/tablet-1')).type).toBe('held');
  });

  it('fails closed without Web Locks, saying what to do', async () => {
    const outcome = await webLockDevice(undefined)('clinic-mesh/c1/tablet-1');
    expect(outcome).toEqual({ type: 'unavailable', why: jasmine.stringMatching(/secure context.*https.*localhost/) });
  });

  it('fails closed when the browser refuses the request', async () => {
    const refusing = { request: () => Promise.reject(new Error('SecurityError: denied')) };
    const outcome = await webLockDevice(asLockManager(refusing))('clinic-mesh/c1/tablet-1');
    expect(outcome).toEqual({ type: 'unavailable', why: jasmine.stringMatching(/refused the device lock: SecurityError: denied/) });
  });
});
