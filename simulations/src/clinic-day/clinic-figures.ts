// What a clinic-day run measured. Counters are summed over seeds in the report; samples are pooled and
// reported as P50 and P99; the percentages are derived from the summed counters (derivedClinicFigures).
// None of these pass or fail a run: the invariant checkers do that.
import { Figures } from '../engine/figures.js';

export class ClinicFigures extends Figures {
  eventsProcessed = 0;
  /** Virtual time of the whole run: boot, the session with its doors open, the closing. */
  virtualMs = 0;
  /** Of it, the time with the doors open (patients arriving, faults happening). */
  openMs = 0;
  messagesSent = 0;

  patients = 0;
  visitsCompleted = 0;

  /** propose() calls made by clinicians on usable devices. */
  writesAttempted = 0;
  /** Outcome 'applied' (with an accepted or duplicate result) or 'pending' (durably in the outbox). */
  acknowledgedWrites = 0;
  acknowledgedApplied = 0;
  acknowledgedPending = 0;
  /** Of those pending, held by a peer because the device could not store the write (a full disk). */
  acknowledgedHeldByPeer = 0;
  /** Outcome 'failed': nothing was stored, the clinician was told so. */
  refusedWrites = 0;
  refusedStorageFull = 0;
  /** The device lost power or restarted before the clinician saw an outcome. */
  abandonedWrites = 0;
  /** Applied with a 'rejected' result (the clinician tries again if the record is not there). */
  rejectedWrites = 0;
  /** Rejected because an earlier attempt of the same write had already been applied (the record is there). */
  rejectedAlreadyRecorded = 0;
  /** Field edits that opened a conflict. */
  conflicts = 0;
  /** Acknowledged writes missing from the final log (each one is also a violation). */
  lostWrites = 0;
  /** Command entries in the final committed log, and those that repeat an applied proposal (retries). */
  committedEntries = 0;
  duplicates = 0;

  /** A device received a station's handoff (a visit moved to it): its write became visible there. */
  handoffs = 0;
  /** Handoffs whose 2 s window had the router up and both devices awake, powered and connected. */
  handoffsMeasured = 0;
  handoffsMeasuredWithin2s = 0;
  handoffsWithin2s = 0;
  /** A station saw a visit arrive before all of the previous station's writes were visible (applied out of order). */
  handoffsOutOfOrder = 0;

  /** (device, minute) pairs in which a usable device got an outcome for at least one write. */
  deviceMinutesJudged = 0;
  /** ...and every outcome in it was 'applied' or 'pending'. */
  deviceMinutesWritable = 0;
  /** ...refused only because the device's disk was full. */
  deviceMinutesRefusedDiskFullOnly = 0;
  /** Minutes of the clinic in which some device got an outcome for a write. */
  clinicMinutesJudged = 0;
  /** ...and some powered device accepted every write it saw answered in that minute. */
  clinicMinutesWritable = 0;

  elections = 0;
  sleeps = 0;
  batteryDeaths = 0;
  batteryDeathsMidWrite = 0;
  batteryDeathsAfterAcknowledgement = 0;
  leaderFaults = 0;
  restarts = 0;
  lanOutages = 0;
  partitions = 0;
  flakyLinks = 0;
  disksFull = 0;
  /** Full disks on which other apps kept taking whatever space was freed (the storage reserve too). */
  diskPressures = 0;
  /** Devices that released their storage reserve to go on writing on a full disk. */
  storageReservesSpent = 0;
  storageFailures = 0;
  compactions = 0;
  snapshotsInstalled = 0;
  /** Leadership handed on by the voter policy (a leader on low battery or hidden), with --voter-policy on. */
  policyLeadershipTransfers = 0;
  /** Learners added, promoted or voters removed by the voter policy. */
  policyMembershipChanges = 0;

  /** One sample per seed: the most events any second of virtual time held (RunawayGuard's limit is sized from it). */
  readonly eventsPerVirtualSecondPeak: number[] = [];
  readonly failoverTicks: number[] = [];
  /** From a leader being cut off from its quorum (router, partitions, interference, dead or sleeping devices) to it stepping down. */
  readonly leaderStepDownMs: number[] = [];
  readonly leaderAfterHealMs: number[] = [];
  /** Propose to outcome 'applied'. */
  readonly acknowledgeLatencyMs: number[] = [];
  /** The same, for saves made and answered on a device connected to a healthy leader all along (figure-bounds.ts bounds it). */
  readonly acknowledgeLatencyHealthyMs: number[] = [];
  /** Propose to outcome 'pending'. */
  readonly pendingAcknowledgeLatencyMs: number[] = [];
  /** Outcome 'pending' to the write applied on the device that made it (its outbox drained). */
  readonly outboxDrainMs: number[] = [];
  /** Acknowledgement of a station's handoff to its visibility on the next station's device, measured handoffs. */
  readonly handoffLatencyMs: number[] = [];
  /** The same over every handoff (faults included). */
  readonly handoffLatencyAllMs: number[] = [];
}

/** Virtual milliseconds as hours, rounded down to 3 decimals. */
function hours(ms: number): number {
  return Math.floor(ms / 3_600) / 1_000;
}

/** A percentage of two sums, rounded down to 3 decimals (so 99.9996 never shows as 100); null for 0 / 0. */
function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.floor((100_000 * part) / whole) / 1_000;
}

/** The headline figures, from counters summed over seeds (see simulations/README.md for the definitions). */
export function derivedClinicFigures(totals: Readonly<Record<string, number>>): Record<string, number | null> {
  const total = (name: string): number => totals[name] ?? 0;
  return {
    writableMinutesPct: percent(total('clinicMinutesWritable'), total('clinicMinutesJudged')),
    deviceWritableMinutesPct: percent(total('deviceMinutesWritable'), total('deviceMinutesJudged')),
    deviceWritableMinutesExcludingDiskFullPct: percent(total('deviceMinutesWritable'), total('deviceMinutesJudged') - total('deviceMinutesRefusedDiskFullOnly')),
    handoffWithin2sPct: percent(total('handoffsMeasuredWithin2s'), total('handoffsMeasured')),
    handoffWithin2sAllPct: percent(total('handoffsWithin2s'), total('handoffs')),
    acknowledgedWrites: total('acknowledgedWrites'),
    lostWrites: total('lostWrites'),
    // What a campaign of seeds amounts to in clinic time (with the CLI's wall clock: how long a longer one takes).
    clinicHoursSimulated: hours(total('virtualMs')),
    clinicOpenHours: hours(total('openMs')),
  };
}
