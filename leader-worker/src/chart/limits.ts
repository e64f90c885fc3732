// Named bounds of the chart state machine. Every text, list, window and result set has one, and a test goes
// past each: a command that exceeds a bound is rejected with a typed error, a query is clamped.

/** Longest name part (a given or family name, a next of kin's name). */
export const nameLengthMax = 100;
/** Longest short free text: a reason, a drug name, a reaction, a test name, a lab result text. */
export const shortTextLengthMax = 500;
/** Longest clinical note. */
export const noteTextLengthMax = 20_000;
/** Longest label-like text: an identifier value, a village, a role, a device id, a user name. */
export const labelLengthMax = 120;
/** Longest client id (the proposer's stable identity for duplicate detection). */
export const clientIdLengthMax = 100;
/** Identifiers a patient may carry (national id, clinic number, programme numbers). */
export const identifiersPerPatientMax = 10;
/** A phone number has at most this many digits (E.164) and at least the minimum. */
export const phoneDigitsMax = 15;
export const phoneDigitsMin = 6;
/** Longest phone text as typed, with spaces, dashes and a leading '+'. */
export const phoneLengthMax = 32;
/** Birth years before this are not plausible for a living patient. */
export const birthYearMin = 1880;
/** Appointments and other calendar dates must fall in these years. */
export const calendarYearMin = 1900;
export const calendarYearMax = 2999;
/** A prescription's duration (days). Longer treatments are renewed. */
export const prescriptionDurationDaysMax = 366;
/** Largest dose amount or dispensed quantity in any unit. */
export const quantityAmountMax = 100_000;
/** Largest absolute numeric lab result. */
export const labNumericValueMax = 1_000_000_000;

/**
 * Duplicate detection: how far (in sequence numbers) a client's proposals may be spread while in flight.
 * Contract with the proposer (driver and outbox): it never proposes sequence s + duplicateWindowSequences
 * before it knows the outcome of every sequence <= s. See duplicate-window.ts for why that makes the
 * bounded window exact.
 */
export const duplicateWindowSequences = 256;

/** Most search results a query returns (a tablet screen shows fewer). */
export const searchResultsMax = 25;
/** Longest search query considered; the rest is ignored. */
export const searchQueryLengthMax = 100;
/** Most name tokens of a query considered; the rest are ignored. */
export const searchQueryTokensMax = 6;
/** Fuzzy matching (one edit) applies to query tokens at least this long. */
export const fuzzyTokenLengthMin = 4;
/** Fewest digits for a phone-suffix search. */
export const phoneQueryDigitsMin = 4;

/** Widest day range a station queue query may span (hours): a day, with slack for time zones. */
export const queueRangeHoursMax = 48;
