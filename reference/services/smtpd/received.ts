/**
 * The Received: header smtpd(8) prepends (receive_data_message / smtpd.c), and Postfix's
 * mail_date() format used in it: "Sat, 28 Nov 2026 19:50:06 +0000 (UTC)" (day space-padded).
 *
 *   Received: from <helo or client name> (<client name> [<client addr>])
 *           by $myhostname ($mail_name) with <proto> id <QID>
 *           for <rcpt>; <date>                     (exactly one recipient)
 *   or      by $myhostname ($mail_name) with <proto> id <QID>;
 *           <date>                                 (otherwise)
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** Postfix mail_date() in local time. */
export function mailDate(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
  return `${DAYS[d.getDay()]}, ${String(d.getDate()).padStart(2, ' ')} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${sign}${two(Math.floor(abs / 60))}${two(abs % 60)} (${zone === 'GMT' ? 'UTC' : zone})`;
}

export interface ReceivedInfo {
  heloName?: string;
  clientName: string;
  clientAddr: string;
  myhostname: string;
  mailName: string;
  protocol: string;
  queueId: string;
  /** Set when the message has exactly one recipient. */
  singleRecipient?: string;
  arrivalTime: number;
}

/** The header lines (without line ends). */
export function receivedHeader(r: ReceivedInfo): string[] {
  const lines = [`Received: from ${r.heloName ?? r.clientName} (${r.clientName} [${r.clientAddr}])`];
  if (r.singleRecipient !== undefined) {
    lines.push(`\tby ${r.myhostname} (${r.mailName}) with ${r.protocol} id ${r.queueId}`);
    lines.push(`\tfor <${r.singleRecipient}>; ${mailDate(r.arrivalTime)}`);
  } else {
    lines.push(`\tby ${r.myhostname} (${r.mailName}) with ${r.protocol} id ${r.queueId};`);
    lines.push(`\t${mailDate(r.arrivalTime)}`);
  }
  return lines;
}
