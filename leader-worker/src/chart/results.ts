// What applying one committed log entry returns to its proposer. Expected failures (bad input, a reference
// to something unknown, a stale station) are `rejected` results with a typed error, never exceptions.

export type ChartErrorCode =
  /** Not the expected JSON shape (wrong type, not an object, not a list). */
  | 'malformed'
  | 'missing-field'
  | 'unknown-field'
  | 'unknown-command'
  /** Present and typed right, but not an allowed value (bad format, not in the list, out of bounds). */
  | 'invalid-value'
  | 'too-long'
  /** A measurement outside the plausible range of its vital sign. */
  | 'implausible-value'
  /** A proposer-made id already names something in this clinic's record. */
  | 'duplicate-id'
  | 'unknown-patient'
  | 'unknown-visit'
  | 'unknown-target'
  | 'unknown-conflict'
  /** The visit referenced belongs to another patient. */
  | 'patient-mismatch'
  /** The thing to change was marked entered-in-error. */
  | 'entered-in-error'
  /** The visit is no longer at the station the proposer saw it at. */
  | 'stale-station'
  | 'conflict-not-open'
  | 'appointment-not-booked'
  /** A lease command with an epoch that is not the current one (or not newer, for a grant). */
  | 'stale-epoch'
  | 'no-lease'
  /** A command only central's feed may write, from anyone else. */
  | 'not-from-central';

export interface ChartError {
  readonly code: ChartErrorCode;
  /** Path of the offending field in the envelope, e.g. 'command.measurements.pulseBpm'. */
  readonly field?: string;
  readonly message: string;
}

/** The outcome of an accepted entry: it changed the chart and is part of the state hash. */
export type AcceptedOutcome =
  | { readonly type: 'applied'; readonly eventId: string }
  /** The entry was a field edit on a stale base: recorded as event `eventId`, it opened `conflictId`. */
  | { readonly type: 'conflict'; readonly eventId: string; readonly conflictId: string };

export type RejectedOutcome = { readonly type: 'rejected'; readonly error: ChartError };

/** The one outcome a proposal (clientId, sequence) gets, decided when its first copy is applied. */
export type DecidedOutcome = AcceptedOutcome | RejectedOutcome;

export type ApplyResult =
  | DecidedOutcome
  | {
      /** A later copy of an already applied proposal (a retry): nothing changed. */
      readonly type: 'duplicate';
      readonly clientId: string;
      readonly sequence: number;
      /**
       * The first copy's outcome, or null when the sequence is at or below the client's duplicate window
       * (outcome no longer kept; under the proposer contract in limits.ts only late copies land there).
       */
      readonly original: DecidedOutcome | null;
    };
