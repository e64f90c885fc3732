// Named fault tables for a clinic session, from the seed problem: tablets that sleep (a frozen tab: no timers,
// no delivery), batteries that die (the disk survives; the loss can land in the middle of a write, or right
// after a clinician was told "saved"), the app restarting, the clinic router going down (every device cut off
// from every other for minutes), Wi-Fi partitions, short bursts of loss on one link, and a disk that fills up
// (the device refuses writes until space is freed and it restarts). A profile is data; verbose mode prints it.
import type { DevicePower } from '../../../leader-worker/src/voter-policy/voter-policy-decisions.js';
import { acknowledgeLatencyBounds, failoverBound, type SampleBound } from '../engine/figure-bounds.js';
import type { DurationRange } from '../raft/fault-profiles.js';

export type ClinicPartitionKind = 'isolateOne' | 'minorityMajority';

export interface ClinicNetworkConditions {
  /** Latency of a message on the clinic Wi-Fi, uniform in the range. */
  readonly latency: DurationRange;
  /** Chance a message takes the long tail instead, uniform up to latencyTailMsMax (delivery stays FIFO per link). */
  readonly latencyTailProbability: number;
  readonly latencyTailMsMax: number;
}

export interface ClinicFaultProfile {
  readonly name: string;
  readonly description: string;
  /** Network conditions while the doors are open (after healing the network is calm). */
  readonly network: ClinicNetworkConditions;
  /** Each tick interval of a device is drawn from [interval - jitter, interval + jitter] while the doors are open. */
  readonly tickJitterMs: number;
  /** The injector rolls every probability below once per interval. */
  readonly decisionIntervalMs: number;
  /** When a device fault is rolled, the chance it hits the current leader (else a device chosen at random). */
  readonly leaderTargetProbability: number;
  /** Devices asleep, powered off or with a full disk at once. */
  readonly devicesDownMax: number;
  readonly sleepProbability: number;
  readonly sleepDuration: DurationRange;
  readonly batteryDeathProbability: number;
  /** Off until it is charged or plugged in again; the disk keeps what was durably written. */
  readonly batteryDeathDowntime: DurationRange;
  /** Chance a battery death lands inside the device's next write to disk (after 0..midWriteMicrotasksMax promise steps). */
  readonly midWriteProbability: number;
  readonly midWriteMicrotasksMax: number;
  /** Chance, per write acknowledged to a clinician, that the device loses power right after telling them. */
  readonly crashAfterAcknowledgementProbability: number;
  /** The app restarts (a reload, an update): the node stops cleanly and starts again from its disk. */
  readonly restartProbability: number;
  readonly restartDowntime: DurationRange;
  /** The clinic router goes down: every device is cut off from every other. */
  readonly lanOutageProbability: number;
  readonly lanOutageDuration: DurationRange;
  readonly partitionProbability: number;
  readonly partitionKinds: readonly ClinicPartitionKind[];
  readonly partitionDuration: DurationRange;
  readonly partitionsActiveMax: number;
  /** A short burst of loss on one direction of one link (interference): every message on it is lost. */
  readonly flakyLinkProbability: number;
  readonly flakyLinkDuration: DurationRange;
  /** The disk fills (other apps, photos): writes past `diskFullSlackBytes` more fail as QuotaExceeded. */
  readonly diskFullProbability: number;
  readonly diskFullSlackBytes: number;
  /** Until someone frees space; then the device is restarted. */
  readonly diskFullDuration: DurationRange;
  /**
   * Of full disks, the share where other apps keep writing (a video downloading): every
   * `diskPressureIntervalMs` they take whatever space the app gave back, its storage reserve included.
   */
  readonly diskPressureProbability: number;
  readonly diskPressureIntervalMs: number;
  /** What a seed under this profile must keep (engine/figure-bounds.ts): its Wi-Fi sets how fast a healthy clinic is. */
  readonly figureBounds: readonly SampleBound[];
}

/**
 * What a device's page sees before the fact, in every profile: Chrome hides a page (visibilitychange) a moment
 * before a sleeping tablet freezes it, and the Battery API reports a low level well before the battery dies.
 * The device tells its node (ClinicNode.setDevicePower); only a node with the voter policy acts on it.
 */
export const devicePowerWarnings = {
  hiddenBeforeSleepMs: 500,
  lowBatteryBeforeDeathMs: 20_000,
};

export const batteryPower: DevicePower = { onMains: false, batteryLevel: 0.8, hidden: false };
export const lowBatteryPower: DevicePower = { onMains: false, batteryLevel: 0.05, hidden: false };
export const hiddenPower: DevicePower = { onMains: false, batteryLevel: 0.8, hidden: true };

/** The slowest handoffs of a seed, among the measured ones (router up, both devices awake and connected). */
function handoffBound(p99MsMax: number): SampleBound {
  return { sample: 'handoffLatencyMs', percentile: 0.99, max: p99MsMax, samplesMin: handoffSamplesMin };
}

/** Fewer measured handoffs than this in a seed and their 99th percentile is not judged. */
const handoffSamplesMin = 50;

const calmWifi: ClinicNetworkConditions = {
  latency: { minMs: 1, maxMs: 5 },
  latencyTailProbability: 0,
  latencyTailMsMax: 0,
};

const noFaults: ClinicFaultProfile = {
  name: 'none',
  description: 'a good day: the router, the Wi-Fi, the batteries and the disks all hold',
  network: calmWifi,
  tickJitterMs: 0,
  decisionIntervalMs: 5_000,
  leaderTargetProbability: 0,
  devicesDownMax: 0,
  sleepProbability: 0,
  sleepDuration: { minMs: 0, maxMs: 0 },
  batteryDeathProbability: 0,
  batteryDeathDowntime: { minMs: 0, maxMs: 0 },
  midWriteProbability: 0,
  midWriteMicrotasksMax: 0,
  crashAfterAcknowledgementProbability: 0,
  restartProbability: 0,
  restartDowntime: { minMs: 0, maxMs: 0 },
  lanOutageProbability: 0,
  lanOutageDuration: { minMs: 0, maxMs: 0 },
  partitionProbability: 0,
  partitionKinds: [],
  partitionDuration: { minMs: 0, maxMs: 0 },
  partitionsActiveMax: 0,
  flakyLinkProbability: 0,
  flakyLinkDuration: { minMs: 0, maxMs: 0 },
  diskFullProbability: 0,
  diskFullSlackBytes: 0,
  diskFullDuration: { minMs: 0, maxMs: 0 },
  diskPressureProbability: 0,
  diskPressureIntervalMs: 0,
  // Measured over seeds 1..10: saves answered in 11 ms at the median, 17 ms at the 99th percentile; handoffs within 5 ms.
  figureBounds: [...acknowledgeLatencyBounds(30, 60), handoffBound(100)],
};

const lightFaults: ClinicFaultProfile = {
  name: 'light',
  description: 'an ordinary day: a tablet dozes off now and then, a battery dies, the app restarts once, a short router outage, a little interference',
  network: { latency: { minMs: 1, maxMs: 6 }, latencyTailProbability: 0.01, latencyTailMsMax: 150 },
  tickJitterMs: 5,
  decisionIntervalMs: 5_000,
  leaderTargetProbability: 0.3,
  devicesDownMax: 1,
  sleepProbability: 0.02,
  sleepDuration: { minMs: 5_000, maxMs: 60_000 },
  batteryDeathProbability: 0.005,
  batteryDeathDowntime: { minMs: 20_000, maxMs: 120_000 },
  midWriteProbability: 0.5,
  midWriteMicrotasksMax: 12,
  crashAfterAcknowledgementProbability: 0.002,
  restartProbability: 0.004,
  restartDowntime: { minMs: 2_000, maxMs: 10_000 },
  lanOutageProbability: 0.003,
  lanOutageDuration: { minMs: 20_000, maxMs: 90_000 },
  partitionProbability: 0.004,
  partitionKinds: ['isolateOne'],
  partitionDuration: { minMs: 5_000, maxMs: 30_000 },
  partitionsActiveMax: 1,
  flakyLinkProbability: 0.03,
  flakyLinkDuration: { minMs: 50, maxMs: 400 },
  diskFullProbability: 0,
  diskFullSlackBytes: 0,
  diskFullDuration: { minMs: 0, maxMs: 0 },
  diskPressureProbability: 0,
  diskPressureIntervalMs: 0,
  // Measured over seeds 1..40: per-seed medians up to 14 ms, 99th percentiles up to 116 ms, failovers up to
  // 24 ticks, measured handoffs' 99th percentiles up to 296 ms.
  figureBounds: [...acknowledgeLatencyBounds(40, 500), failoverBound(60), handoffBound(1_000)],
};

const heavyFaults: ClinicFaultProfile = {
  name: 'heavy',
  description: 'a bad day: tablets sleep often, batteries die (mid-write, right after a save), the app restarts, the router goes down for minutes, partitions, interference, a disk fills up',
  network: { latency: { minMs: 1, maxMs: 8 }, latencyTailProbability: 0.05, latencyTailMsMax: 300 },
  tickJitterMs: 15,
  decisionIntervalMs: 5_000,
  leaderTargetProbability: 0.4,
  devicesDownMax: 2,
  sleepProbability: 0.05,
  sleepDuration: { minMs: 3_000, maxMs: 120_000 },
  batteryDeathProbability: 0.02,
  batteryDeathDowntime: { minMs: 10_000, maxMs: 180_000 },
  midWriteProbability: 0.6,
  midWriteMicrotasksMax: 16,
  crashAfterAcknowledgementProbability: 0.01,
  restartProbability: 0.01,
  restartDowntime: { minMs: 1_000, maxMs: 15_000 },
  lanOutageProbability: 0.006,
  lanOutageDuration: { minMs: 30_000, maxMs: 240_000 },
  partitionProbability: 0.015,
  partitionKinds: ['isolateOne', 'minorityMajority'],
  partitionDuration: { minMs: 3_000, maxMs: 90_000 },
  partitionsActiveMax: 1,
  flakyLinkProbability: 0.1,
  flakyLinkDuration: { minMs: 50, maxMs: 800 },
  diskFullProbability: 0.012,
  diskFullSlackBytes: 1_024,
  diskFullDuration: { minMs: 20_000, maxMs: 120_000 },
  diskPressureProbability: 0.5,
  diskPressureIntervalMs: 5_000,
  // Measured over seeds 1..60 (and outbox-churn 1..30): per-seed medians up to 20 ms, 99th percentiles up to
  // 304 ms, failovers up to 33 ticks, measured handoffs' 99th percentiles up to 1.55 s.
  figureBounds: [...acknowledgeLatencyBounds(60, 1_000), failoverBound(80), handoffBound(4_000)],
};

/**
 * Targeted at the outbox: heavy faults, with the router down far more often (writes pile up as pending on
 * every device and are re-proposed across leader changes) and batteries dying right after saves. Use it to
 * look for lost, duplicated or reordered outbox writes.
 */
const outboxChurnFaults: ClinicFaultProfile = {
  ...heavyFaults,
  name: 'outbox-churn',
  description: 'heavy, with the router down often and batteries dying right after saves: writes pile up in outboxes and are re-proposed across leader changes',
  crashAfterAcknowledgementProbability: 0.3,
  lanOutageProbability: 0.05,
};

export const clinicFaultProfiles: readonly ClinicFaultProfile[] = [noFaults, lightFaults, heavyFaults, outboxChurnFaults];

export function findClinicFaultProfile(name: string): ClinicFaultProfile | undefined {
  return clinicFaultProfiles.find((profile) => profile.name === name);
}

/** After healing: calm Wi-Fi, whatever the profile was. */
export const healedWifi: ClinicNetworkConditions = calmWifi;
