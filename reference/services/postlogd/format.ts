/**
 * postlogd line format: how one maillog line looks when Postfix writes $maillog_file itself
 * (postlogd(8), MAILLOG_README). The format is
 *
 *   "Mon DD HH:MM:SS <host> <syslog_name>/<service>[<pid>]: <severity: >text"
 *
 * with the local time (strftime "%b %d %H:%M:%S", day zero-padded, as msg_logger(3) writes it;
 * reference/global/mail-date.ts) and only the first label of
 * $myhostname. The harness reads lines of both targets with one parser.
 */

import { logTimestamp } from '../../global/mail-date.ts';

/** The host field: $myhostname up to its first dot. */
export function logHostLabel(myhostname: string): string {
  const dot = myhostname.indexOf('.');
  return dot < 0 ? myhostname : myhostname.slice(0, dot);
}

export type Severity = 'info' | 'warning' | 'error' | 'fatal' | 'panic';

/** One complete line, without the trailing newline. */
export function formatLogLine(opts: {
  date: Date;
  myhostname: string;
  program: string;
  pid: number;
  severity: Severity;
  text: string;
}): string {
  const prefix = opts.severity === 'info' ? '' : `${opts.severity}: `;
  return `${logTimestamp(opts.date.getTime() / 1000)} ${logHostLabel(opts.myhostname)} ${opts.program}[${opts.pid}]: ${prefix}${opts.text}`;
}
