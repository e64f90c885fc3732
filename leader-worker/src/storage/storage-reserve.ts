// A reserve of disk space the app keeps for itself, so a full disk does not stop a clinician at once.
//
// When a tablet's disk fills (photos, other apps), every write to IndexedDB fails with QuotaExceeded. The
// app holds a block of `storageReserveBytes` in its own database while there is room; the first write that
// fails for lack of space deletes it and is tried again, in the space it gave back. That buys the device
// time, hundreds of saves and their log entries, to go on recording care while the clinic frees space, and
// the device shows that storage is low. A device whose reserve is spent as well hands its writes to a peer
// (node/write-handoff.ts). The reserve is taken again once there is room for it.

/** Enough for several hundred saves with their log entries; small next to what a chart database holds. */
export const storageReserveBytes = 256 * 1024;

export interface StorageReserve {
  /** Stores the reserve unless it is stored; resolves false, storing nothing, when there is no room for it. */
  hold(): Promise<boolean>;
  /** Deletes the reserve, giving its space back to the records; resolves whether there was one to delete. */
  release(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The reserve's contents. Random, because IndexedDB compresses what it stores: a block of zeros would take
 * next to no space on the disk, and freeing it would give back next to nothing.
 */
export function reserveBlock(bytes: number = storageReserveBytes): Uint8Array {
  const block = new Uint8Array(bytes);
  // getRandomValues fills at most 64 KiB per call.
  const chunkBytes = 65_536;
  for (let offset = 0; offset < bytes; offset += chunkBytes) crypto.getRandomValues(block.subarray(offset, Math.min(bytes, offset + chunkBytes)));
  return block;
}
