// Calendar arithmetic without a clock or the Date global: ISO dates to day numbers and back to years, so
// validation can check "not born in the future" against the proposer's recordedAt deterministically.
// Day numbers count days since 1970-01-01 (proleptic Gregorian; H. Hinnant's days_from_civil).

export const millisecondsPerDay = 86_400_000;

const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day number of 'YYYY-MM-DD', or null if it is not a real calendar date. */
export function dayNumberOfIsoDate(text: string): number | null {
  const match = isoDatePattern.exec(text);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return daysFromCivil(year, month, day);
}

export function isoDateYear(text: string): number {
  return Number(text.slice(0, 4));
}

/** The UTC day number containing `ms`. */
export function dayNumberOfMs(ms: number): number {
  return Math.floor(ms / millisecondsPerDay);
}

/** The UTC year containing `ms`. */
export function yearOfMs(ms: number): number {
  return civilYearFromDays(dayNumberOfMs(ms));
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilYearFromDays(days: number): number {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  return yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
}
