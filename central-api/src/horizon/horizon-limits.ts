// Bounds and defaults of a clinic's sync horizon.
import { allHistoryYears } from '../../../leader-worker/src/chart/index.js';

export const horizonLimits = {
  /** Clinics one horizon draws patients from: neighbours, not a country. */
  fromClinicsMax: 20,
  /** Ten years: "seen recently" beyond that is everyone. */
  seenWithinDaysMax: 3_650,
  /** Three months of appointments ahead. */
  appointmentsWithinDaysMax: 90,
  /**
   * Patients queued into the feed per transaction: each takes its chart's lock and appends its registration
   * and history; small enough that a transaction stays well under a second, so a fill never holds up uploads.
   */
  fillPatientsPerTransaction: 50,
  /** How often a process looks for downloads left unfinished (by a crash, a restart, another process). */
  fillSweepIntervalMs: 60_000,
  /**
   * How old a finished download may grow before it is looked at again. The horizon moves with the calendar: a
   * patient booked at a source clinic for tomorrow, or seen there this morning, after the download ran must
   * still be on the devices before they walk in. Hourly is well inside the day ahead a booking is made, and a
   * look that finds nobody new costs a few queries.
   */
  refreshAfterMs: 3_600_000,
} as const;

/** A clinic no admin has set a horizon for: its own patients only, with their whole histories. */
export const defaultHorizon = {
  fromClinicIds: [] as readonly string[],
  registeredThere: true,
  seenWithinDays: 730,
  appointmentsWithinDays: 14,
  years: { encounters: allHistoryYears, labs: allHistoryYears, prescriptions: allHistoryYears },
} as const;
