// What the page may ask of the clinic node in its Worker, over comlink: control calls and queries only. Raft
// traffic never goes through here: it moves on a BroadcastChannel or on the MessagePort the page hands over
// in `start`. Shared by the Worker (clinic-worker-service.ts) and the page (clinic-client.ts). Everything
// that crosses is structured-cloneable data; a listener crosses as a comlink proxy.
import type { ApplyResult, CommandEnvelope, ConflictRecord, DayRange, DeviceRevocation, PatientChart, QueueEntry, SearchHit, Station } from '../chart/index.js';
import type { AppliedEvent, ClinicNodeStatus, ClinicNodeTiming, ProposalOutcome } from '../node/clinic-node.js';
import type { NodeId } from '../raft/types.js';
import type { CentralLinkStatus } from '../node/central-link.js';
import type { DevicePower } from '../voter-policy/voter-policy-decisions.js';

/** How this device's node reaches the others. */
export type TransportChoice =
  /** Tabs of one browser (the demo, tests): the worker joins the clinic's BroadcastChannel itself. */
  | { readonly kind: 'broadcast-channel'; readonly channelName?: string }
  /** The page reaches the peers (PeerJS) and bridges them to this port with a MessagePortBridge. Transferred. */
  | { readonly kind: 'message-port'; readonly port: MessagePort };

export interface ClinicWorkerConfig {
  /** Prefixes every event id; the same on every device of the clinic. */
  readonly clinicId: string;
  /** This device's node id in the clinic's Raft group. */
  readonly deviceId: NodeId;
  /**
   * The founding voters: used only by a device whose database is empty. Empty: the device joins a clinic
   * that runs already, and takes part once its leader adds it (the voter policy adds enrolled devices).
   */
  readonly voters: readonly NodeId[];
  /** The device database; default `clinic-mesh/${clinicId}/${deviceId}`. */
  readonly databaseName?: string;
  readonly transport: TransportChoice;
  /** Overrides of the node's timing (tests run faster ticks). */
  readonly timing?: Partial<ClinicNodeTiming>;
  /**
   * The central API this clinic uploads its log to, with this device's credential: whenever this device leads,
   * it uploads the committed log, and no device compacts past what central holds. Absent: a clinic on its
   * own (the log is compacted freely).
   */
  readonly central?: CentralLinkConfig;
  /**
   * Whether the leader decides who votes as devices come and go, and hands leadership off a device on low
   * battery or hidden (voter-policy/). Default true; false keeps the founding voters (a fixed test cluster).
   */
  readonly voterPolicy?: boolean;
}

export interface CentralLinkConfig {
  /** The API's base URL with its prefix, e.g. 'https://central.example.org/api'. */
  readonly apiUrl: string;
  readonly credential: string;
  /**
   * 'lease' (the default): the leader takes a chart's lease from central at check-in, so other clinics see it
   * read-only during the visit. 'merge': the clinic never locks charts; concurrent writes merge at central.
   * The same as the clinic's chartPolicy at central.
   */
  readonly chartPolicy?: 'lease' | 'merge';
}

export type StartFailureReason =
  | 'alreadyStarted'
  | 'invalidConfig'
  /** Another tab or worker of this browser already runs this device's node on the same database. */
  | 'deviceInUse'
  /** Nothing can keep a second tab from running this device (no Web Locks): the node fails closed. */
  | 'deviceLockUnavailable'
  | 'storageFull'
  | 'storageUnavailable'
  | 'storageCorrupt';

export type StartOutcome =
  | { readonly type: 'started'; readonly status: ClinicNodeStatus }
  | { readonly type: 'failed'; readonly reason: StartFailureReason; readonly message: string };

export type ChartProposalOutcome = ProposalOutcome<ApplyResult>;

/** A write saved on this device and not yet applied: the UI shows it as pending. */
export interface PendingWrite {
  readonly clientId: string;
  readonly sequence: number;
  readonly savedAtMs: number;
  /** The envelope as proposed (decoded), to show what is waiting. */
  readonly command: unknown;
}

/** What a subscriber hears: the node's status when it changes, and every command applied (from any device). */
export type ClinicEvent =
  | { readonly type: 'status'; readonly status: ClinicNodeStatus }
  | { readonly type: 'applied'; readonly event: AppliedEvent<ApplyResult> }
  /** Every device central revoked, once at start and again whenever the log revokes another: the page's links refuse them. */
  | { readonly type: 'revokedDevices'; readonly deviceIds: readonly string[] };

export type ClinicEventListener = (event: ClinicEvent) => void | Promise<void>;

/**
 * The Worker's control API. Queries and status answer from this device's applied state; they throw (the call
 * rejects) only on a caller's bug: a call before `start`, or an argument out of range.
 */
export type { CentralLinkStatus } from '../node/central-link.js';

export interface ClinicWorkerApi {
  start(config: ClinicWorkerConfig): Promise<StartOutcome>;
  propose(command: CommandEnvelope): Promise<ChartProposalOutcome>;
  searchPatients(query: string, limit?: number): SearchHit[];
  openChart(patientId: string): PatientChart | null;
  stationQueue(station: Station, day: DayRange): QueueEntry[];
  openConflicts(): ConflictRecord[];
  /** The devices central revoked, as this device's log has applied (see the 'revokedDevices' event). */
  revokedDevices(): readonly DeviceRevocation[];
  pendingWrites(): PendingWrite[];
  /** Null before `start` and after `stop`. */
  status(): ClinicNodeStatus | null;
  /** The link to central as this device sees it; null without one (not configured, or not started). */
  centralLinkStatus(): CentralLinkStatus | null;
  /** Returns a subscription id for `unsubscribe`. Subscribing before `start` is fine. */
  subscribe(listener: ClinicEventListener): number;
  unsubscribe(subscriptionId: number): void;
  /** False when the core refused (this device does not lead, or the target is unknown). */
  transferLeadership(target: NodeId): boolean;
  /** This device's power and visibility, as the page sees them (Battery API, Page Visibility). */
  setDevicePower(power: DevicePower): void;
  /** Stops the node and closes its storage; outbox items stay stored. After it, `start` may run again. */
  stop(): Promise<void>;
}
