// How a simulated device reaches the others and keeps time: its connection to the clinic network as it is,
// and timers on the virtual clock. Tests inject broken variants here (a Wi-Fi that silently stops carrying
// anything, page timers throttled to once a second, a transport that sits on every message) to prove the
// availability checks and the figure bounds catch them; nothing broken lives in leader-worker.
import type { NodeId } from '../../../leader-worker/src/raft/types.js';
import type { PeerTransport } from '../../../leader-worker/src/transport/peer-transport.js';
import type { EventQueue } from '../engine/event-queue.js';
import { DeviceClock } from './device-clock.js';

export interface DeviceWiring {
  /** The transport one process of `deviceId` uses, given its connection to the clinic network. */
  transport(connection: PeerTransport, deviceId: NodeId, queue: EventQueue): PeerTransport;
  /** The timers of one process (see DeviceClock for the parameters). */
  clock(queue: EventQueue, jitterMs: () => number, fired: () => void): DeviceClock;
}

export const realDeviceWiring: DeviceWiring = {
  transport: (connection) => connection,
  clock: (queue, jitterMs, fired) => new DeviceClock(queue, jitterMs, fired),
};
