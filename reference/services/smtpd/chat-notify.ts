/**
 * smtpd(8)'s postmaster notices (smtpd_chat.c smtpd_chat_notify(), chat_reset() in smtpd.c).
 *
 * While notify_classes names any class, a session keeps a transcript — "In:  " and the command
 * line for each command read, "Out: " and the line for each reply line sent — and the classes
 * of the errors it answered (global/mail-error.ts). At a reset point the transcript is mailed
 * to the postmaster when its errors include a class of notify_classes, and both start over:
 * after HELO/EHLO, at the end of a message and at RSET only once the transcript holds more than
 * smtpd_history_flush_threshold lines; at the end of the session always. The notice comes from
 * the double-bounce address ($double_bounce_sender@$myhostname), goes to
 * error_notice_recipient (bounce_notice_recipient when a "bounce" error is among them), and is
 * submitted through cleanup like any other mail. Called by session.ts.
 *
 * Differs from Postfix: only the errors whose class decides a notice under the default
 * notify_classes (software, resource) and cleanup's and the restrictions' answers (policy,
 * bounce) are classified; protocol errors (bad syntax, commands out of sequence) are not yet,
 * so notify_classes = protocol sends no notice for them.
 */
import type { CleanupClient } from '../contracts.ts';
import { lineWrap } from '../../global/line-wrap.ts';
import { printableText } from '../../global/printable.ts';
import { MAIL_ERROR } from '../../global/mail-error.ts';
import { mailDate } from '../../global/mail-date.ts';

export interface NotifySettings {
  /** notify_classes as a mask (0: no transcript is kept). */
  notifyMask: number;
  /** smtpd_history_flush_threshold. */
  historyThreshold: number;
  /** error_notice_recipient and bounce_notice_recipient. */
  errorRecipient: string;
  bounceRecipient: string;
  /** double_bounce_sender. */
  doubleBounceSender: string;
  myhostname: string;
  mailName: string;
  /** smtputf8_autodetect_classes names "notify": the notice's UTF-8 requests SMTPUTF8. */
  smtputf8Autodetect?: boolean;
}

/** smtpd_chat.c: a transcript line is wrapped at 78 columns, continuations indented by 4. */
const WRAP_WIDTH = 78;
const WRAP_INDENT = 4;

/**
 * The notice's text: post_mail's Received: and Date: headers, the notice's own headers, the
 * transcript (each line printable, wrapped, and after one space, as content made from what a
 * client sent always is), and the reason the session ended early, if it did.
 */
export function noticeText(s: NotifySettings, queueId: string, nowSec: number, namaddr: string, transcript: readonly string[], reason?: string): string {
  const date = mailDate(nowSec);
  const lines = [
    `Received: by ${s.myhostname} (${s.mailName})`,
    `\tid ${queueId}; ${date}`,
    `Date: ${date}`,
    `From: Mail Delivery System <MAILER-DAEMON@${s.myhostname}>`,
    `To: Postmaster <${s.errorRecipient}>`,
    `Subject: ${s.mailName} SMTP server: errors from ${namaddr}`,
    '',
    'Transcript of session follows.',
    '',
    ...transcript.flatMap((l) => lineWrap(printableText(l, false), WRAP_WIDTH, WRAP_INDENT)).map((l) => ` ${l}`),
    '',
    ...(reason ? [`Session aborted, reason: ${reason}`] : []),
    '',
    'For other details, see the local mail logfile',
  ];
  return lines.join('\n') + '\n';
}

export class ChatHistory {
  private lines: string[] = [];
  private errors = 0;

  constructor(private readonly s: NotifySettings, private readonly cleanup: CleanupClient) {}

  /** A command line read from the client (up to its first NUL, as a C string holds it). */
  commandRead(line: string): void {
    if (this.s.notifyMask === 0) return;
    const nul = line.indexOf('\0');
    this.lines.push(`In:  ${nul < 0 ? line : line.slice(0, nul)}`);
  }

  /** The lines of a reply sent. */
  replySent(lines: readonly string[]): void {
    if (this.s.notifyMask === 0) return;
    for (const l of lines) this.lines.push(`Out: ${l}`);
  }

  /** An error of this class (MAIL_ERROR.*) was answered. */
  error(errorClass: number): void {
    this.errors |= errorClass;
  }

  /**
   * A reset point: with more than `threshold` lines, send the notice if a notify class is
   * among the errors, then start over. `warn` logs a notice that could not be sent.
   */
  async reset(threshold: number, namaddr: string, warn: (text: string) => void, reason?: string): Promise<void> {
    if (this.lines.length === 0 || this.lines.length <= threshold) return;
    const due = (this.errors & this.s.notifyMask) !== 0;
    const transcript = this.lines;
    const bounce = (this.errors & MAIL_ERROR.BOUNCE) !== 0;
    this.lines = [];
    this.errors = 0;
    if (due) await this.send(namaddr, transcript, bounce, warn, reason);
  }

  private async send(namaddr: string, transcript: string[], bounce: boolean, warn: (text: string) => void, reason?: string): Promise<void> {
    try {
      const open = await this.cleanup.open('bounce');
      await open.submit({
        source: 'bounce',
        sender: `${this.s.doubleBounceSender}@${this.s.myhostname}`,
        recipients: [{ address: bounce ? this.s.bounceRecipient : this.s.errorRecipient }],
        content: Buffer.from(noticeText(this.s, open.queueId, Math.floor(Date.now() / 1000), namaddr, transcript, reason), 'latin1'),
        flags: { autoSmtputf8: this.s.smtputf8Autodetect === true },
      });
    } catch (err) {
      // post_mail_fopen_nowait() failed: the notice is junk mail, so it is given up with a warning.
      warn(`postmaster notify: ${(err as Error).message}`);
    }
  }
}
