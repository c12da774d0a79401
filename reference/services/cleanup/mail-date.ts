/**
 * RFC 5322 date strings as Postfix's mail_date() makes them, in the local time zone:
 * "Sat, 28 Nov 2026 19:50:52 +0000 (UTC)". Postfix 3.7 formats the day of month with
 * strftime's %e, so days 1-9 get a leading space ("Sun,  1 Nov 2026 ..."), not a zero. Used by cleanup (missing Date: header), bounce
 * (DSN Date and Arrival-Date) and by any service that writes a Received: header.
 */
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => String(n).padStart(2, '0');

function zoneName(d: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

/** mail_date(): seconds since the epoch → "Day, dd Mon YYYY hh:mm:ss +hhmm (ZONE)" (dd space-padded). */
export function mailDate(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const off = -d.getTimezoneOffset();
  // Hours carry the sign (truncated toward zero), minutes are the absolute remainder, as
  // Postfix prints them; a zone 30 minutes west of UTC therefore comes out as "+0030".
  const hours = Math.trunc(off / 60);
  const sign = hours < 0 ? '-' : '+';
  return `${DAYS[d.getDay()]}, ${String(d.getDate()).padStart(2, ' ')} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ` +
    `${sign}${pad2(Math.abs(hours))}${pad2(Math.abs(off) % 60)} (${zoneName(d)})`;
}

/** "%Y%m%d%H%M%S" in UTC, as in cleanup's generated Message-Id. */
export function gmtStamp(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}` +
    `${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`;
}
