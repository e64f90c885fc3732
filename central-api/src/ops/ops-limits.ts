// Bounds on the ops listings.
export const opsLimits = {
  /** Clinics in one listing: the whole network at the scale planned (2,000 clinics), with room to grow. */
  clinicsListedMax: 10_000,
  /** Lease fencing conflicts one listing returns at most (newest first), and by default. */
  fencingConflictsListedMax: 1000,
  fencingConflictsListedDefault: 100,
  /** Divergences one listing returns at most (newest first), and by default. */
  divergencesListedMax: 1000,
  divergencesListedDefault: 100,
  /** Characters of the note ops leave when they resolve a divergence or a fencing conflict. */
  resolutionCharactersMax: 2000,
};
