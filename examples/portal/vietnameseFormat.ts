/**
 * Dates and numbers the way Vietnamese portals print them: "Thứ sáu, 08/12/2023", "63.092".
 * Days are calendar days in Vietnam (Asia/Ho_Chi_Minh), whatever the server's own time zone.
 */

export const VIETNAM_ZONE = 'Asia/Ho_Chi_Minh';

/**
 * Sunday first, as Date.getUTCDay counts. Ours rather than ICU's: its vi-VN names capitalise the
 * number ("Thứ Sáu"), where portals and the seed page write "Thứ sáu".
 */
const WEEKDAYS = ['Chủ nhật', 'Thứ hai', 'Thứ ba', 'Thứ tư', 'Thứ năm', 'Thứ sáu', 'Thứ bảy'];

const vietnamDayParts = new Intl.DateTimeFormat('en-US', { timeZone: VIETNAM_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const counts = new Intl.NumberFormat('vi-VN');

/** The calendar day in Vietnam at an instant, as YYYY-MM-DD (the gateway's Date scalar). */
export function vietnamDay(instant: Date | string): string {
  const parts = Object.fromEntries(vietnamDayParts.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** A calendar day (YYYY-MM-DD) with its weekday: "Thứ sáu, 08/12/2023". */
export function formatDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  const weekday = WEEKDAYS[new Date(Date.UTC(year, month - 1, date)).getUTCDay()];
  return `${weekday}, ${formatShortDay(day)}`;
}

/** A calendar day (YYYY-MM-DD) as lists of documents print it: "08/12/2023". */
export function formatShortDay(day: string): string {
  const [year, month, date] = day.split('-');
  return `${date}/${month}/${year}`;
}

/** The Vietnamese day of an instant (an article's publishedAt, now): "Thứ sáu, 08/12/2023". */
export function formatDate(instant: Date | string): string {
  return formatDay(vietnamDay(instant));
}

/** Dots between thousands: 63092 → "63.092". */
export function formatCount(count: number): string {
  return counts.format(count);
}
