// The simulated client command on the wire: {clientId, seq} plus the client's lowest unacknowledged seq and
// a random payload. Little-endian words, then payload bytes; nothing else is needed to apply it.

/** Bytes before the payload: clientId, seq, acknowledgedBelow (u32 each). */
export const commandHeaderBytes = 12;

export interface Command {
  readonly clientId: number;
  readonly seq: number;
  /**
   * Every seq below this one was acknowledged to the client (thesis §6.3: "the lowest sequence number
   * without a response"), so the state machine may forget those seqs and still reject their retries.
   */
  readonly acknowledgedBelow: number;
  readonly payload: Uint8Array;
}

export function encodeCommand(command: Command): Uint8Array {
  const bytes = new Uint8Array(commandHeaderBytes + command.payload.byteLength);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, command.clientId, true);
  view.setUint32(4, command.seq, true);
  view.setUint32(8, command.acknowledgedBelow, true);
  bytes.set(command.payload, commandHeaderBytes);
  return bytes;
}

/** The command in `bytes`, or null if they are too short to be one. */
export function decodeCommand(bytes: Uint8Array): Command | null {
  if (bytes.byteLength < commandHeaderBytes) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    clientId: view.getUint32(0, true),
    seq: view.getUint32(4, true),
    acknowledgedBelow: view.getUint32(8, true),
    payload: bytes.subarray(commandHeaderBytes),
  };
}

/** One key per (clientId, seq), for maps. Seqs stay far below 2^21 in any run. */
export function commandKey(clientId: number, seq: number): number {
  return clientId * 0x200000 + seq;
}
