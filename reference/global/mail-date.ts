/**
 * The date and time texts Postfix writes, all in local time as glibc's localtime() and
 * strftime() give it (timezone.ts), none of them depending on Node's locale or ICU:
 *
 *  - mailDate: mail_date(3) (src/global/mail_date.c) for Date:, Received:, Arrival-Date: and
 *    the like: strftime "%a, %e %b %Y %H:%M:%S " (Postfix 3.7 builds with %e, so days 1-9
 *    are space-padded: "Mon,  7 Dec 2026"), then the UTC offset as "%+03d%02d" of the
 *    signed hours and the unsigned remaining minutes (so 30 minutes west of UTC prints as
 *    "+0030", as Postfix prints it), then " (%Z)": "Mon,  7 Dec 2026 16:05:03 +0100 (CET)";
 *  - asctime: asctime(3) without its newline, for the mbox "From " line (local(8)'s
 *    mail_copy()) and postqueue -p (showq_compat()): "Mon Dec  7 16:05:03 2026";
 *  - logTimestamp: the maillog stamp of msg_logger(3), strftime "%b %d %H:%M:%S" (day
 *    zero-padded): "Dec 07 16:05:03";
 *  - gmtStamp: "%Y%m%d%H%M%S" in UTC, for cleanup(8)'s generated Message-Id.
 *
 * Times are seconds since the epoch (time_t); fractions are dropped. The optional env holds
 * the TZ (and TZDIR) to use, process.env by default; {} means TZ unset (/etc/localtime).
 */
import { gmTime, localTime, type LocalTime, type TimeEnv } from './timezone.ts';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const zero2 = (n: number): string => String(n).padStart(2, '0');
const space2 = (n: number): string => String(n).padStart(2, ' ');
const hms = (t: LocalTime): string => `${zero2(t.hour)}:${zero2(t.minute)}:${zero2(t.second)}`;

/**
 * The UTC offset in whole minutes as mail_date() derives it: the difference between the
 * local and the UTC wall clocks with their seconds ignored.
 */
function offsetMinutes(when: number, t: LocalTime): number {
  return Math.floor((when + t.utcOffset) / 60) - Math.floor(when / 60);
}

/** "%+03d%02d" of (minutes / 60 truncated, |minutes| % 60). */
function formatOffset(minutes: number): string {
  const hours = Math.trunc(minutes / 60);
  const sign = hours < 0 ? '-' : '+';
  return `${sign}${zero2(Math.abs(hours))}${zero2(Math.abs(minutes) % 60)}`;
}

/** mail_date(): "Mon,  7 Dec 2026 16:05:03 +0100 (CET)". */
export function mailDate(when: number, env?: TimeEnv): string {
  const sec = Math.floor(when);
  const t = localTime(sec, env);
  return `${DAYS[t.wday]}, ${space2(t.mday)} ${MONTHS[t.month]} ${t.year} ${hms(t)} ` +
    `${formatOffset(offsetMinutes(sec, t))} (${t.zone})`;
}

/** asctime(localtime()) without the newline: "Mon Dec  7 16:05:03 2026". */
export function asctime(when: number, env?: TimeEnv): string {
  const t = localTime(when, env);
  return `${DAYS[t.wday]} ${MONTHS[t.month]} ${space2(t.mday)} ${hms(t)} ${t.year}`;
}

/** msg_logger's stamp, strftime "%b %d %H:%M:%S": "Dec 07 16:05:03". */
export function logTimestamp(when: number, env?: TimeEnv): string {
  const t = localTime(when, env);
  return `${MONTHS[t.month]} ${zero2(t.mday)} ${hms(t)}`;
}

/** "%Y%m%d%H%M%S" in UTC: "20261207150503". */
export function gmtStamp(when: number): string {
  const t = gmTime(when);
  return `${t.year}${zero2(t.month + 1)}${zero2(t.mday)}${zero2(t.hour)}${zero2(t.minute)}${zero2(t.second)}`;
}

/**
 * What a mail_date() text looks like, for checks that cannot know the instant: any day,
 * offset and zone abbreviation (strftime's %Z may be "CET", "NDT", "+04" or even empty).
 */
export const MAIL_DATE_PATTERN =
  /(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat), [ \d]\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4} \([A-Za-z0-9+-]*\)/;
