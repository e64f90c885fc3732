// What the multi-device spec (Node) and the device page (in each browser context) share: where the page and
// its Worker are served, and the functions the page puts on `globalThis.clinicDevice`. Types and constants only,
// so Node can import it without loading the page's PeerJS.
import type { CommandEnvelope } from '../../src/chart/index.js';
import type { ClinicNodeStatus, ClinicNodeTiming } from '../../src/node/clinic-node.js';
import type { PeerJsTransportLimits, PeerJsTransportStatus } from '../../src/transport/peerjs-transport.js';
import type { ChartProposalOutcome, StartOutcome } from '../../src/worker/clinic-worker-api.js';

/** Where the spec serves the bundled Worker, on the API's own origin. */
export const devicePageWorkerPath = '/device-under-test/clinic-worker.js';
export const devicePagePath = '/device-under-test/';

export interface DeviceStartOptions {
  readonly founders: readonly string[];
  readonly timing?: Partial<ClinicNodeTiming>;
  readonly transportLimits?: Partial<PeerJsTransportLimits>;
}

export interface DeviceReport {
  readonly node: ClinicNodeStatus | null;
  readonly links: PeerJsTransportStatus;
}

export interface IntrusionReport {
  readonly linked: readonly string[];
  readonly messagesReceived: number;
  readonly refusals: number;
}

/** Writes proposed at once for a while: how many the clinic applied, in how long (the browser bench). */
export interface SustainedWrites {
  readonly applied: number;
  readonly notApplied: number;
  readonly elapsedMs: number;
}

/** How long a fixed piece of work took on the page's main thread and in a Worker: CPU throttling, measured. */
export interface CpuProbe {
  readonly pageMs: number;
  readonly workerMs: number;
}

export interface DevicePage {
  enroll(apiUrl: string, code: string): Promise<string>;
  start(options: DeviceStartOptions): Promise<StartOutcome['type'] | string>;
  report(): Promise<DeviceReport>;
  propose(envelope: CommandEnvelope): Promise<ChartProposalOutcome>;
  /** Patient ids a search finds on this device's own copy of the records. */
  search(query: string): Promise<string[]>;
  /**
   * Plays a device of another clinic: dials the given devices of `clinicId` with this device's own identity
   * and PeerJS id for `waitMs`, sending them a message now and then. Resolves with what came of it.
   */
  intrude(clinicId: string, targets: readonly string[], waitMs: number): Promise<IntrusionReport>;
  /** Proposes each write after the one before applied; the ms from propose to applied on this device, each. */
  timedProposals(envelopes: readonly CommandEnvelope[]): Promise<number[]>;
  /** Proposes the writes keeping `inFlight` outstanding at once. */
  sustainedProposals(envelopes: readonly CommandEnvelope[], inFlight: number): Promise<SustainedWrites>;
  /** POSTs each body to `url` after the one before answered (with fetch, so network emulation applies); ms each. */
  timedPosts(url: string, token: string, bodies: readonly unknown[]): Promise<number[]>;
  cpuProbe(): Promise<CpuProbe>;
  stop(): Promise<void>;
}
