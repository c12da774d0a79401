/**
 * The Received: header smtpd(8) prepends (receive_data_message / smtpd.c), its date in
 * Postfix's mail_date() format (reference/global/mail-date.ts): "Sat, 28 Nov 2026 19:50:06 +0000 (UTC)".
 *
 *   Received: from <helo or client name> (<client name> [<client addr>])
 *           by $myhostname ($mail_name) with <proto> id <QID>
 *           for <rcpt>; <date>                     (exactly one recipient)
 *   or      by $myhostname ($mail_name) with <proto> id <QID>;
 *           <date>                                 (otherwise)
 */

import { mailDate } from '../../global/mail-date.ts';

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
  /** Milliseconds since the epoch. */
  arrivalTime: number;
}

/** The header lines (without line ends). */
export function receivedHeader(r: ReceivedInfo): string[] {
  const lines = [`Received: from ${r.heloName ?? r.clientName} (${r.clientName} [${r.clientAddr}])`];
  if (r.singleRecipient !== undefined) {
    lines.push(`\tby ${r.myhostname} (${r.mailName}) with ${r.protocol} id ${r.queueId}`);
    lines.push(`\tfor <${r.singleRecipient}>; ${mailDate(r.arrivalTime / 1000)}`);
  } else {
    lines.push(`\tby ${r.myhostname} (${r.mailName}) with ${r.protocol} id ${r.queueId};`);
    lines.push(`\t${mailDate(r.arrivalTime / 1000)}`);
  }
  return lines;
}
