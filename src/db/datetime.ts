/**
 * An instant as our DATETIME columns (whole seconds) hold it. Given a fraction, MySQL 8 rounds it
 * (10:00:00.600 is stored 10:00:01) where MariaDB truncates, so an article created "now" would be
 * stored up to half a second in the future on MySQL: hidden from anonymous feeds, refused by
 * recordVisit, and not what the caller was answered. Every instant we write is cut to its second
 * first, so both servers store what was answered.
 */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
