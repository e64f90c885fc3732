// The durable outbox: writes a clinician made while this device could not reach a leader with a quorum.
// Each item is the encoded command with its client id and sequence, so re-proposing it after a crash is
// still applied once. Items leave only when the state machine has applied them.
export interface OutboxItem {
  readonly clientId: string;
  readonly sequence: number;
  /** The encoded command envelope, exactly as it will be proposed. */
  readonly command: Uint8Array;
  /** The proposer's clock when the clinician saved it, for the "pending since" shown on screen. */
  readonly savedAtMs: number;
}

export interface OutboxStorage {
  /** Stores an item durably; resolves only once it would survive a power loss. */
  add(item: OutboxItem): Promise<void>;
  /** Every item not yet removed, in sequence order per client. */
  list(): Promise<OutboxItem[]>;
  /** Removes items the state machine has applied. Unknown items are ignored. */
  remove(items: readonly Pick<OutboxItem, 'clientId' | 'sequence'>[]): Promise<void>;
  /** Releases the storage; later calls reject with StorageError('unavailable'). Stored items stay. */
  close(): Promise<void>;
}
