/**
 * RFC 5322 date strings as Postfix's mail_date() makes them, in the local time zone:
 * "Sat, 28 Nov 2026 19:50:52 +0000 (UTC)". Postfix 3.7 formats the day of month with
 * strftime's %e, so days 1-9 get a leading space ("Sun,  1 Nov 2026 ..."), not a zero. Used by cleanup (missing Date: header), bounce
 * (DSN Date and Arrival-Date) and by any service that writes a Received: header.
 */
import { mailDate as mailDateMs } from '../postlogd/time-format.ts';

const pad2 = (n: number) => String(n).padStart(2, '0');

/** mail_date() for a time in seconds since the epoch (postlogd/time-format.ts has the format). */
export function mailDate(epochSeconds: number): string {
  return mailDateMs(epochSeconds * 1000);
}

/** "%Y%m%d%H%M%S" in UTC, as in cleanup's generated Message-Id. */
export function gmtStamp(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}` +
    `${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`;
}
