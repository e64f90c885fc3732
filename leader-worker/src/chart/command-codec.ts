// Command bytes, as the clinic log carries them: MessagePack of the command envelope. Every consumer decodes
// with this one function (the clinic node, its Worker, central's copy of the charts, the simulator), because
// the same decode on every side is part of what makes central's state hash equal the devices'.
import { decode, encode } from '@msgpack/msgpack';

/** The bytes a proposal carries in the log. */
export function encodeCommand(command: unknown): Uint8Array {
  return encode(command);
}

/** Bytes that are not MessagePack decode to undefined, which the state machine rejects like any malformed command. */
export function decodeCommand(bytes: Uint8Array): unknown {
  try {
    return decode(bytes);
  } catch {
    return undefined;
  }
}
