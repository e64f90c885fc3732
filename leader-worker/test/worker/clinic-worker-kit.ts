// Shared by the worker specs (Node and Chromium): fast node timing, unique names, proposals a clinician
// would make, and polling for what happens on other devices.
import type { CommandEnvelope } from '../../src/chart/index.js';
import type { ClinicNodeTiming } from '../../src/node/clinic-node.js';
import { registerPatient, uuid } from '../chart/chart-harness.js';

/** Ten times the default pace, so an election takes a few hundred ms; quorumWaitMs stays a real-world one. */
export const fastTiming: Partial<ClinicNodeTiming> = { tickIntervalMs: 10, electionTimeoutTicks: 10, heartbeatIntervalTicks: 1 };

let namesMade = 0;

/** A clinic id (also usable in channel and database names) no other spec or earlier run uses. */
export function uniqueClinicId(purpose: string): string {
  namesMade++;
  return `${purpose}-${Date.now().toString(36)}-${namesMade}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}

/** The id of the `number`th patient a spec registers. */
export const patientId = (number: number): string => uuid(0xde5c, number);

/** The registration of patient `number` (see patientId), as the registration desk of `deviceId` proposes it. */
export function registration(deviceId: string, sequence: number, number: number, given: string, family: string): CommandEnvelope {
  return {
    clientId: `${deviceId}-desk`,
    sequence,
    recordedAt: Date.now(),
    author: { deviceId, userName: 'Records clerk', role: 'registration' },
    command: registerPatient(patientId(number), { name: { given, family } }) as unknown as CommandEnvelope['command'],
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` (which may ask a worker) until it holds, or fails after `timeoutMs`. */
export async function eventually(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const startedMs = Date.now();
  while (!(await condition())) {
    if (Date.now() - startedMs > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** The leader every device agrees on, once they do. */
export async function agreedLeader(statuses: () => Promise<readonly ({ readonly leaderId: string | null } | null)[]>, timeoutMs = 5000): Promise<string> {
  let leader: string | null = null;
  await eventually('every device to know one leader', async () => {
    const known = (await statuses()).map((status) => status?.leaderId ?? null);
    leader = known[0] ?? null;
    return leader !== null && known.every((id) => id === leader);
  }, timeoutMs);
  return leader!;
}
