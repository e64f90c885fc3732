// The fixed shape of a clinic-session run: virtual-time phases, the workload (patients and how long each
// station takes), the node's settings and every bound the simulator enforces. Fault probabilities live in
// fault-profiles.ts. The session is compressed (15 minutes of doors open, patients every 40 s on average);
// the node's own timers (ticks, election timeout, outbox wait) are the real ones.
import type { ClinicNodeTiming } from '../../../leader-worker/src/node/clinic-node.js';
import type { RunawayLimits } from '../engine/runaway-guard.js';
import type { DurationRange } from '../raft/fault-profiles.js';
import type { AvailabilityLimits } from '../raft/invariants/availability-checker.js';
import { availabilityLimits } from '../raft/settings.js';

export interface ClinicDayTimings {
  /** Devices boot at random moments in [0, bootSpreadMs). */
  readonly bootSpreadMs: number;
  /** The first patient arrives, and the fault injector starts, this long after boot. */
  readonly openingMs: number;
  /** Patients arrive and faults happen in [openingMs, sessionMs); at sessionMs the doors close and every fault heals. */
  readonly sessionMs: number;
  /** After healing, every visit must be done and every device converged within this long (liveness). */
  readonly closingMsMax: number;
  /** After healing, a leader backed by a quorum within this long (liveness). */
  readonly leaderAfterHealMsMax: number;
  /** Once the clinic is done and converged, the run goes on this long, then the final checks. */
  readonly quietMs: number;
  /** How often the closing phase looks whether the clinic is done. */
  readonly closingCheckIntervalMs: number;
}

/** Time a clinician spends before each kind of write (reading, examining, typing), compressed. */
export interface ThinkTimes {
  readonly registerPatient: DurationRange;
  readonly openVisit: DurationRange;
  readonly recordVitals: DurationRange;
  readonly recordAllergy: DurationRange;
  readonly updatePatient: DurationRange;
  readonly addNote: DurationRange;
  readonly addDiagnosis: DurationRange;
  readonly orderLab: DurationRange;
  readonly recordLabResult: DurationRange;
  readonly prescribe: DurationRange;
  readonly dispense: DurationRange;
  readonly moveVisit: DurationRange;
}

export interface ClinicWorkloadSettings {
  /** Patients arrive as a Poisson process with this mean interval. */
  readonly patientArrivalIntervalMsMean: number;
  readonly thinkTimes: ThinkTimes;
  /** The clinician orders a lab test (the visit goes to the lab and back to the clinician). */
  readonly labOrderProbability: number;
  /** The clinician prescribes (else the visit ends at the clinician). */
  readonly prescriptionProbability: number;
  /** Two drugs instead of one, when prescribing. */
  readonly secondPrescriptionProbability: number;
  /** Triage records an allergy the patient reports. */
  readonly allergyProbability: number;
  /** Triage corrects the phone number registration typed (a versioned field edit). */
  readonly phoneCorrectionProbability: number;
  /** The pharmacist adds a counselling note. */
  readonly pharmacyNoteProbability: number;
  /** After a refused save (storage full) or a rejected one, the clinician tries again this long after. */
  readonly retryIntervalMs: number;
  /** The proposer's clock at virtual time 0 (ms since the epoch): 2025-06-16 08:00 UTC, a Monday. */
  readonly dayStartEpochMs: number;
}

export interface ClinicDayLimits extends RunawayLimits, AvailabilityLimits {
  /** A handoff is on time if the next station's device shows the write within this long of its acknowledgement. */
  readonly handoffOnTimeMs: number;
  /** Minutes are counted in windows of this length. */
  readonly writableWindowMs: number;
}

export const clinicDayTimings: ClinicDayTimings = {
  bootSpreadMs: 100,
  openingMs: 5_000,
  // A working day (8 hours) would take about 32 times as long to run: minutes of real time per seed, too
  // much for npm test. So the scenario is named for what it is, a session, and reports clinic-hours.
  sessionMs: 15 * 60_000,
  closingMsMax: 20 * 60_000,
  leaderAfterHealMsMax: 15_000,
  quietMs: 5_000,
  closingCheckIntervalMs: 1_000,
};

const seconds = (minSeconds: number, maxSeconds: number): DurationRange => ({ minMs: minSeconds * 1_000, maxMs: maxSeconds * 1_000 });

export const clinicWorkloadSettings: ClinicWorkloadSettings = {
  patientArrivalIntervalMsMean: 40_000,
  thinkTimes: {
    registerPatient: seconds(8, 20),
    openVisit: seconds(2, 6),
    recordVitals: seconds(8, 20),
    recordAllergy: seconds(3, 8),
    updatePatient: seconds(3, 8),
    addNote: seconds(4, 10),
    addDiagnosis: seconds(2, 5),
    orderLab: seconds(2, 5),
    recordLabResult: seconds(10, 25),
    prescribe: seconds(2, 6),
    dispense: seconds(5, 12),
    moveVisit: seconds(1, 3),
  },
  labOrderProbability: 0.3,
  prescriptionProbability: 0.85,
  secondPrescriptionProbability: 0.25,
  allergyProbability: 0.1,
  phoneCorrectionProbability: 0.08,
  pharmacyNoteProbability: 0.3,
  retryIntervalMs: 5_000,
  dayStartEpochMs: 1_750_060_800_000,
};

/**
 * The node's production timing, except that it compacts and caches its state far more often: a compressed
 * day writes a few hundred entries, and snapshots (sent to a device that fell behind), compaction and the
 * state cache must all happen in it.
 */
export const clinicNodeTiming: Partial<ClinicNodeTiming> = {
  compactionThresholdEntries: 120,
  stateCacheIntervalEntries: 40,
};

export const clinicDayLimits: ClinicDayLimits = {
  eventsPerSeedMax: 2_000_000,
  // Measured peaks (eventsPerVirtualSecondPeak): about 700 for 5 nodes and 10,300 for 15 under leader churn
  // (raft), 3,400 for a clinic of 5 (clinic-day). A runaway then fails after at most a 40th of the budget.
  eventsPerVirtualSecondMax: 50_000,
  handoffOnTimeMs: 2_000,
  writableWindowMs: 60_000,
  ...availabilityLimits,
};

/** The whole configuration of one run; tests may override parts. */
export interface ClinicDaySettings {
  readonly timings: ClinicDayTimings;
  readonly workload: ClinicWorkloadSettings;
  readonly nodeTiming: Partial<ClinicNodeTiming>;
  readonly limits: ClinicDayLimits;
}

export const defaultClinicDaySettings: ClinicDaySettings = {
  timings: clinicDayTimings,
  workload: clinicWorkloadSettings,
  nodeTiming: clinicNodeTiming,
  limits: clinicDayLimits,
};
