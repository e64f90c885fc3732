// How long a chart lease lasts and other bounds of the leases module. The duration is a setting (tests use a
// short one); every time it is measured against is PostgreSQL's clock, so several API processes agree.
export interface LeaseSettings {
  /**
   * A grant or renewal lasts this long from the database's clock. The clinic leader renews well before
   * (a third of it is a good interval), so a clinic that loses its link keeps its lease for about this long.
   */
  readonly durationSeconds: number;
}

export const defaultLeaseSettings: LeaseSettings = { durationSeconds: 15 * 60 };

export const leaseSettingsToken = Symbol('LeaseSettings');

export const leaseLimits = {
  /** Shortest and longest duration a setting may give: below a second a lease could not be used at all. */
  durationSecondsMin: 1,
  durationSecondsMax: 24 * 60 * 60,
  /** Leases one listing returns at most (newest grants first). */
  listedLeasesMax: 1000,
  listedLeasesDefault: 100,
};

/** Fills in and checks a partial setting; a bad value is a programming error, thrown at start. */
export function resolveLeaseSettings(partial: Partial<LeaseSettings> = {}): LeaseSettings {
  const settings = { ...defaultLeaseSettings, ...partial };
  const { durationSeconds } = settings;
  if (!Number.isFinite(durationSeconds) || durationSeconds < leaseLimits.durationSecondsMin || durationSeconds > leaseLimits.durationSecondsMax) {
    throw new Error(`lease durationSeconds must be from ${leaseLimits.durationSecondsMin} to ${leaseLimits.durationSecondsMax}, not ${durationSeconds}`);
  }
  return settings;
}
