/**
 * Calendar days in Asia/Ho_Chi_Minh as 'YYYY-MM-DD'. Vietnam has kept UTC+7 without daylight saving
 * since 1975, so a day is a fixed offset from UTC and needs no time-zone database: midnight in
 * Vietnam is 17:00 UTC of the day before.
 */
const OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86_400_000;
const DAY_FORMAT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of the Vietnamese calendar day containing the instant. */
export function vietnamDayNumber(epochMs: number): number {
  return Math.floor((epochMs + OFFSET_MS) / DAY_MS);
}

export function dayFromNumber(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

let cachedNumber = NaN;
let cachedDay = '';

/** The Vietnamese calendar day of an instant, e.g. 2024-11-30T17:00:00Z → '2024-12-01'. */
export function vietnamDay(epochMs: number): string {
  const n = vietnamDayNumber(epochMs);
  // Every visit asks this; the answer changes once a day.
  if (n !== cachedNumber) {
    cachedDay = dayFromNumber(n);
    cachedNumber = n;
  }
  return cachedDay;
}

/** The day number of a 'YYYY-MM-DD' string, or null if it is not a real calendar day (2024-02-30). */
export function parseDay(value: string): number | null {
  const m = DAY_FORMAT.exec(value);
  // MySQL's DATE starts at year 1000.
  if (!m || m[1] < '1000') return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2024-02-30 over to March; a real day survives the round trip.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) return null;
  return ms / DAY_MS;
}
