/**
 * The three time formats Postfix writes, in local time, in one place:
 *  - logTimestamp: the maillog stamp, strftime "%b %d %H:%M:%S" ("Nov 01 09:05:03");
 *  - mailDate: mail_date() for Received:/Date: headers, "%a, %e %b %Y %H:%M:%S +zzzz (ZONE)"
 *    with the day space-padded ("Sun,  1 Nov 2026 09:05:03 +0000 (UTC)");
 *  - asctime: the mbox From_ line date, "Sun Nov  1 09:05:03 2026".
 */
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');
const hms = (d: Date): string => `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
const spaceDay = (d: Date): string => String(d.getDate()).padStart(2, ' ');

export function logTimestamp(date: Date): string {
  return `${MONTHS[date.getMonth()]} ${two(date.getDate())} ${hms(date)}`;
}

export function mailDate(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  // Hours carry the sign (truncated toward zero), minutes are the absolute remainder, as
  // Postfix prints them; a zone 30 minutes west of UTC therefore comes out as "+0030".
  const hours = Math.trunc(off / 60);
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
  return `${DAYS[d.getDay()]}, ${spaceDay(d)} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${hms(d)} ` +
    `${hours < 0 ? '-' : '+'}${two(Math.abs(hours))}${two(Math.abs(off) % 60)} (${zone})`;
}

export function asctime(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${spaceDay(d)} ${hms(d)} ${d.getFullYear()}`;
}
