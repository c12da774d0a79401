/**
 * The Received: header smtpd(8) prepends (receive_data_message / smtpd.c), its date in
 * Postfix's mail_date() format (reference/global/mail-date.ts): "Sat, 28 Nov 2026 19:50:06 +0000 (UTC)".
 *
 *   Received: from <helo or client name> (<client name> [<client addr>])
 *           by $myhostname ($mail_name) with <proto> id <QID>
 *           for <rcpt>; <date>                     (exactly one recipient)
 *   or      by $myhostname ($mail_name) with <proto> id <QID>;
 *           <date>                                 (otherwise)
 *
 * <proto> is "UTF8SMTP" when MAIL FROM carried SMTPUTF8 (RFC 6531), whatever HELO or EHLO said,
 * as 3.7.11 writes it. The lines are byte strings (latin1), ready for the message content: a
 * UTF-8 HELO name or recipient keeps its bytes.
 */

import { mailDate } from '../../global/mail-date.ts';
import { utf8ByteString } from '../../global/byte-string.ts';

export interface ReceivedInfo {
  heloName?: string;
  clientName: string;
  clientAddr: string;
  myhostname: string;
  mailName: string;
  protocol: string;
  /** MAIL FROM had the SMTPUTF8 parameter. */
  smtputf8?: boolean;
  queueId: string;
  /** Set when the message has exactly one recipient. */
  singleRecipient?: string;
  /** Milliseconds since the epoch. */
  arrivalTime: number;
}

/** The "with" protocol of a message received with SMTPUTF8 (smtpd.c, 3.7). */
const UTF8_PROTOCOL = 'UTF8SMTP';

/** The header lines (without line ends), as latin1 byte strings. */
export function receivedHeader(r: ReceivedInfo): string[] {
  const lines = [`Received: from ${r.heloName ?? r.clientName} (${r.clientName} [${r.clientAddr}])`];
  const proto = r.smtputf8 ? UTF8_PROTOCOL : r.protocol;
  if (r.singleRecipient !== undefined) {
    lines.push(`\tby ${r.myhostname} (${r.mailName}) with ${proto} id ${r.queueId}`);
    lines.push(`\tfor <${r.singleRecipient}>; ${mailDate(r.arrivalTime / 1000)}`);
  } else {
    lines.push(`\tby ${r.myhostname} (${r.mailName}) with ${proto} id ${r.queueId};`);
    lines.push(`\t${mailDate(r.arrivalTime / 1000)}`);
  }
  return lines.map(utf8ByteString);
}
