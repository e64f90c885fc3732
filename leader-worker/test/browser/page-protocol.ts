// What the page and the runner say to each other: the runner starts the specs with a RunConfig, the page
// reports each step as a PageEvent through a function the runner exposes. Shared by in-page.ts and
// run-in-chromium.ts so the two cannot drift.

/** The global the page defines to start the run, and the one the runner exposes to receive events. */
export const startFunctionName = 'startBrowserSpecs';
export const reportFunctionName = 'reportToRunner';
/** The function the runner exposes to stop and start the PeerServer: `(action) => Promise<void>`. */
export const signalingControlFunctionName = 'controlSignalingServer';

export type SignalingControl = 'stop' | 'start';

/** The PeerServer the runner started on 127.0.0.1 for the specs that connect pages over PeerJS. */
export interface SignalingEndpoint {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly key: string;
}

export interface RunConfig {
  /** Jasmine's order seed, to replay a run; null for a fresh random one. */
  readonly seed: string | null;
  /** Only specs whose full name contains this run; null for all. */
  readonly filter: string | null;
  /** Jasmine's timeout for one spec or hook (async work that never settles fails the spec). */
  readonly specTimeoutMs: number;
  readonly signaling: SignalingEndpoint;
}

export interface FailureReport {
  readonly message: string;
  readonly stack: string;
}

export type SpecStatus = 'excluded' | 'pending' | 'notApplicable' | 'failed' | 'passed';

export type PageEvent =
  | { readonly type: 'started'; readonly totalSpecsDefined: number; readonly seed: string }
  | { readonly type: 'specStarted'; readonly fullName: string }
  | { readonly type: 'specDone'; readonly fullName: string; readonly status: SpecStatus; readonly failures: readonly FailureReport[] }
  /** Only sent when an afterAll or beforeAll of the suite failed. */
  | { readonly type: 'suiteFailed'; readonly fullName: string; readonly failures: readonly FailureReport[] }
  | { readonly type: 'done'; readonly overallStatus: string; readonly incompleteReason: string; readonly failures: readonly FailureReport[] };
