/**
 * Dates as the job's operators read and type them: in Vietnam, where the portals are
 * (Asia/Ho_Chi_Minh is UTC+7 all year, no daylight saving, so a fixed offset is exact).
 * The gateway gets UTC instants; people never see one.
 */

export const VIETNAM_ZONE = 'Asia/Ho_Chi_Minh';
const OFFSET_MS = 7 * 60 * 60 * 1000;

/** A date or time an operator typed: the instant for the gateway and how to echo it back. */
export interface OperatorTime {
  /** ISO 8601 in UTC, for the gateway's DateTime. */
  instant: string;
  /** As given, in Vietnam time: `2024-01-01 (Asia/Ho_Chi_Minh)`, `2024-06-01T08:00:00+07:00 (Asia/Ho_Chi_Minh)`. */
  shown: string;
}

/** The gateway's DateTime accepts instants in these years (UTC) only; anything outside is a typo here. */
const FIRST_YEAR = 1970;
const LAST_YEAR = 9999;

// YYYY-MM-DD, optionally with a time (T or a space) and optionally an offset; without an offset the
// time is Vietnam's, as a calendar day is.
const OPERATOR_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/i;

/** Null when `value` is not a real date (2024-02-30, 25:00, garbage). */
export function parseOperatorTime(value: string): OperatorTime | null {
  const m = OPERATOR_TIME.exec(value);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  const offset = m[8]?.toUpperCase();
  if (hour > 23 || minute > 59 || second > 59) return null;
  // Date.UTC rolls 30 February over into March; a typo should not silently move the date.
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;

  const offsetMs = offset === undefined ? OFFSET_MS : offset === 'Z' ? 0 : offsetOf(offset);
  if (offsetMs === null) return null;
  const instant = new Date(wall - offsetMs);
  if (instant.getUTCFullYear() < FIRST_YEAR || instant.getUTCFullYear() > LAST_YEAR) return null;
  const shown = m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]} (${VIETNAM_ZONE})` : formatVietnamTime(instant);
  return { instant: instant.toISOString(), shown };
}

/** `+07:00` → milliseconds east of UTC; null for no real offset. */
function offsetOf(offset: string): number | null {
  const [hours, minutes] = [Number(offset.slice(1, 3)), Number(offset.slice(4, 6))];
  if (hours > 14 || minutes > 59) return null;
  return (offset[0] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

/** An instant in Vietnam time, ISO 8601 with its +07:00 offset (so it can be typed back in), and the zone's name. */
export function formatVietnamTime(instant: Date): string {
  const local = new Date(instant.getTime() + OFFSET_MS).toISOString(); // …Z, but the wall clock in Vietnam
  const withoutMs = local.endsWith('.000Z') ? local.slice(0, 19) : local.slice(0, 23);
  return `${withoutMs}+07:00 (${VIETNAM_ZONE})`;
}
