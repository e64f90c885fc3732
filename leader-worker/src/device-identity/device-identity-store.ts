// Where a device keeps who it is: its enrollment (ids, API credential, certificate, the clinic's trust anchor,
// its PeerJS id and token) and its private key, in an IndexedDB database of its own. The private key is a
// non-extractable CryptoKey, stored as the key object itself (IndexedDB keeps CryptoKeys by structured clone):
// script can sign with it, nothing can read it out. Written with durability 'strict': an enrollment uses its
// code once, so losing it to a power cut would leave the device unable to join until an admin issues another.
// Everything read back is checked before it is trusted.
import { openDB, type IDBPDatabase } from 'idb';
import { decodeDeviceCertificate } from './device-certificate.js';
import type { PeerCredentials } from './enrollment-protocol.js';

export const deviceIdentityDatabaseName = 'clinic-mesh/device-identity';
const storeName = 'identity';
const recordKey = 'current';

/** What the device keeps of its enrollment. */
export interface DeviceIdentity {
  /** The central API this device was enrolled at, with its prefix: 'https://central.example.org/api'. */
  readonly apiUrl: string;
  readonly clinicId: string;
  readonly deviceId: string;
  readonly name: string;
  readonly credential: string;
  readonly certificate: Uint8Array;
  readonly trustAnchor: Uint8Array;
  readonly peer: PeerCredentials;
  readonly privateKey: CryptoKey;
  readonly publicKey: Uint8Array;
  readonly enrolledAtMs: number;
}

export class DeviceIdentityStoreError extends Error {
  override readonly name = 'DeviceIdentityStoreError';
}

function open(databaseName: string): Promise<IDBPDatabase> {
  return openDB(databaseName, 1, { upgrade: (database) => void database.createObjectStore(storeName) });
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** The stored record if it is whole and consistent (the certificate is of this device and key), else why not. */
export function readStoredIdentity(value: unknown): DeviceIdentity | string {
  if (typeof value !== 'object' || value === null) return 'no identity stored';
  const record = value as Record<string, unknown>;
  const { apiUrl, clinicId, deviceId, name, credential, certificate, trustAnchor, peer, privateKey, publicKey, enrolledAtMs } = record;
  if (!isText(apiUrl) || !isText(clinicId) || !isText(deviceId) || !isText(name) || !isText(credential)) return 'the stored identity lacks its ids';
  if (!(certificate instanceof Uint8Array) || !(trustAnchor instanceof Uint8Array) || !(publicKey instanceof Uint8Array)) return 'the stored identity lacks its keys';
  if (!(privateKey instanceof CryptoKey) || privateKey.type !== 'private') return 'the stored identity lacks its private key';
  if (typeof enrolledAtMs !== 'number') return 'the stored identity lacks its enrollment time';
  const peerRecord = (peer ?? {}) as Record<string, unknown>;
  if (!isText(peerRecord['peerId']) || !isText(peerRecord['token']) || !isText(peerRecord['path']) || !isText(peerRecord['key'])) return 'the stored identity lacks its PeerJS credentials';
  const decoded = decodeDeviceCertificate(certificate);
  if (!decoded.ok) return `the stored certificate is unreadable: ${decoded.reason}`;
  const body = decoded.value.body;
  if (body.clinicId !== clinicId || body.deviceId !== deviceId) return 'the stored certificate is of another device';
  if (body.publicKey.length !== publicKey.length || body.publicKey.some((byte, index) => byte !== publicKey[index])) return 'the stored certificate is of another key';
  return {
    apiUrl, clinicId, deviceId, name, credential, certificate, trustAnchor, privateKey, publicKey, enrolledAtMs,
    peer: { peerId: peerRecord['peerId'] as string, token: peerRecord['token'] as string, path: peerRecord['path'] as string, key: peerRecord['key'] as string },
  };
}

export class DeviceIdentityStore {
  constructor(private readonly databaseName: string = deviceIdentityDatabaseName) {}

  /** The device's identity, or null when it was never enrolled. Throws when what is stored is damaged. */
  async load(): Promise<DeviceIdentity | null> {
    const database = await open(this.databaseName);
    try {
      const value: unknown = await database.get(storeName, recordKey);
      if (value === undefined) return null;
      const identity = readStoredIdentity(value);
      if (typeof identity === 'string') throw new DeviceIdentityStoreError(`${identity}: enroll this device again with a new code`);
      return identity;
    } finally {
      database.close();
    }
  }

  /** Replaces the identity; resolves once the browser reports it durable. */
  async save(identity: DeviceIdentity): Promise<void> {
    const checked = readStoredIdentity(identity);
    if (typeof checked === 'string') throw new DeviceIdentityStoreError(`not saved: ${checked}`);
    const database = await open(this.databaseName);
    try {
      const transaction = database.transaction(storeName, 'readwrite', { durability: 'strict' });
      await Promise.all([transaction.store.put(identity, recordKey), transaction.done]);
    } finally {
      database.close();
    }
  }

  /** Forgets the enrollment (a device handed to another clinic); the clinic's records are elsewhere. */
  async clear(): Promise<void> {
    const database = await open(this.databaseName);
    try {
      const transaction = database.transaction(storeName, 'readwrite', { durability: 'strict' });
      await Promise.all([transaction.store.delete(recordKey), transaction.done]);
    } finally {
      database.close();
    }
  }
}
