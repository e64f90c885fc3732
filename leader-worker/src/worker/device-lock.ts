// One node per device database. Two live nodes under one device id would vote twice in one term and could
// elect two leaders, so the node runs only while it holds a Web Lock named for its database; the browser
// releases the lock when the worker dies. Where Web Locks are missing (an insecure context, an old browser)
// nothing can guard the database, and the node does not start: it fails closed.

/** What asking for a device's lock gave. */
export type DeviceLockOutcome =
  /** This worker holds the database until `release` is called (or the worker dies). */
  | { readonly type: 'held'; readonly release: () => void }
  /** Another tab or worker of this browser runs this device's node. */
  | { readonly type: 'inUse' }
  /** Nothing can guard the database here; `why` says what to do about it. */
  | { readonly type: 'unavailable'; readonly why: string };

export type LockDevice = (databaseName: string) => Promise<DeviceLockOutcome>;

/** The lock's name: one per device database, shared by every tab and worker of the origin. */
export function deviceLockName(databaseName: string): string {
  return `clinic-mesh-device:${databaseName}`;
}

const noWebLocks =
  'this browser offers no Web Locks (the page is not in a secure context: open the app over https or from localhost), ' +
  'so nothing could stop a second tab from running this device twice';

/** Locks device databases with `locks` (the worker's `navigator.locks`, absent in insecure contexts). */
export function webLockDevice(locks: LockManager | undefined): LockDevice {
  return (databaseName) => {
    if (locks === undefined) return Promise.resolve({ type: 'unavailable', why: noWebLocks });
    return new Promise<DeviceLockOutcome>((resolve) => {
      locks
        .request(deviceLockName(databaseName), { ifAvailable: true }, (lock) => {
          if (lock === null) {
            resolve({ type: 'inUse' });
            return undefined;
          }
          // The lock is held until this promise settles: release() settles it.
          return new Promise<void>((release) => resolve({ type: 'held', release: () => release() }));
        })
        .catch((error: unknown) =>
          resolve({ type: 'unavailable', why: `the browser refused the device lock: ${error instanceof Error ? error.message : String(error)}` }));
    });
  };
}
