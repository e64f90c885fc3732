// Central's own bounds and constants of enrollment with a code; the ones both sides share (code length and
// validity, certificate validity) are enrollmentLimits of the protocol file.
export const enrollmentSettings = {
  /** A code as typed may carry spaces and dashes (XXXX-XXXX-XXXX); longer than this is not a code at all. */
  typedCodeCharactersMax: 64,
  /** The first certificate a device gets; a renewal (later) counts up, and a revocation names the serial. */
  firstCertificateSerial: 1,
  /**
   * How far before now a certificate's period starts. None: devices already accept a certificate up to
   * deviceCertificateLimits.clockSkewMsMax (10 minutes) before it begins, for the clocks they drift by.
   */
  certificateBackdateMs: 0,
};
