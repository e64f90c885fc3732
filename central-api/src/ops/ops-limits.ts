// Bounds on the ops listing.
export const opsLimits = {
  /** Clinics in one listing: the whole network at the scale planned (2,000 clinics), with room to grow. */
  clinicsListedMax: 10_000,
};
