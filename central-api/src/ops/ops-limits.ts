// Bounds on the ops listings.
export const opsLimits = {
  /** Clinics in one listing: the whole network at the scale planned (2,000 clinics), with room to grow. */
  clinicsListedMax: 10_000,
  /** Lease fencing conflicts one listing returns at most (newest first), and by default. */
  fencingConflictsListedMax: 1000,
  fencingConflictsListedDefault: 100,
};
