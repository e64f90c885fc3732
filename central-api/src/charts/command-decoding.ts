// Command bytes to the value the chart state machine applies, exactly as the clinic node does it
// (decodeCommand in leader-worker/src/node/clinic-node.ts): the same decode on both sides is part of what makes
// central's state hash equal the devices'. Bytes that are not MessagePack become undefined, which the state
// machine rejects like any malformed command.
import { decode } from '@msgpack/msgpack';

export function decodeCommand(bytes: Uint8Array): unknown {
  try {
    return decode(bytes);
  } catch {
    return undefined;
  }
}
