/**
 * bounce: the reference bounce(8) service (the bounce, defer and trace entries of master.cf).
 *
 * Requests served (called by qmgr, in-process):
 *   append(kind, QID, recipient, dsn)  append to bounce/QID, defer/QID or trace/QID (logfile.ts)
 *   notify(QID, message, from)         send the sender a non-delivery notification for the
 *                                      recipients in bounce/QID (from = 'bounce'), or in
 *                                      defer/QID when the message expired (from = 'defer');
 *                                      logs "QID: sender non-delivery notification: NEWQID"
 *   warn(QID, message)                 the "Delayed Mail (still being retried)" warning built
 *                                      from defer/QID; logs "QID: sender delay notification: NEWQID"
 *   trace(QID, message)                the "Mail Delivery Status Report" (sendmail -bv) built from
 *                                      trace/QID, with the message headers only; logs
 *                                      "QID: sender delivery status notification: NEWQID"
 * Notifications are RFC 3464 multipart/report messages with the built-in templates of
 * bounce_templates.c, submitted as new mail through cleanup with the null sender. A message
 * with a null sender gets no notification. Unless the original was 7bit, the notification is
 * queued with encoding=8bit (sent with BODY=8BITMIME). Follows bounce(8), bounce_notify_util.c.
 */
import type { CleanupClient, Logger } from '../contracts.ts';
import type { QueueLayout } from '../../queue/layout.ts';
import type { QueueMessage } from '../../queue/queue-file.ts';
import { mailDate } from '../../global/mail-date.ts';
import { lineWrap } from '../../global/line-wrap.ts';
import { CLEANUP_STAT } from '../../global/cleanup-user.ts';
import { DSN_RET_HDRS } from '../../global/dsn-mask.ts';
import { MAIL_ATTR_DSN_RET } from '../../global/mail-proto.ts';
import { appendLog, readLog, type LogDsn, type LogEntry, type LogKind, type LogRecipient } from './logfile.ts';

export interface BounceParams {
  get(name: string): string;
  int(name: string): number;
  time(name: string): number;
}

export interface BounceDeps {
  config: BounceParams;
  layout: QueueLayout;
  cleanup: CleanupClient;
  logger: Logger;
  clock?: () => number;
}

export interface BounceService {
  append(kind: LogKind, queueId: string, r: LogRecipient, d: LogDsn): Promise<void>;
  notify(queueId: string, msg: QueueMessage, from: 'bounce' | 'defer'): Promise<string | undefined>;
  warn(queueId: string, msg: QueueMessage): Promise<string | undefined>;
  trace(queueId: string, msg: QueueMessage): Promise<string | undefined>;
  /** Remove bounce/ defer/ trace/ logs of a message that left the queue. */
  removeLogs(queueId: string): Promise<void>;
}

/** The end of the failure and delay notices' text. */
const HELP_FOOTER = [
  'For further assistance, please send mail to postmaster.',
  '',
  'If you do so, please include this problem report. You can',
  'delete your own text from the attached returned message.',
  '',
  '                   The mail system',
];

const FAILURE_BODY = [
  'This is the mail system at host $myhostname.',
  '',
  "I'm sorry to have to inform you that your message could not",
  "be delivered to one or more recipients. It's attached below.",
  '',
  ...HELP_FOOTER,
];

const DELAY_BODY = [
  'This is the mail system at host $myhostname.',
  '',
  '####################################################################',
  '# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #',
  '####################################################################',
  '',
  'Your message could not be delivered for more than $delay_warning_time_hours hour(s).',
  'It will be retried until it is $maximal_queue_lifetime_days day(s) old.',
  '',
  ...HELP_FOOTER,
];

const TRACE_BODY = [
  'This is the mail system at host $myhostname.',
  '',
  'Enclosed is the mail delivery report that you requested.',
  '',
  '                   The mail system',
];

type Kind = 'failure' | 'delay' | 'trace';
const SUBJECT: Record<Kind, string> = {
  failure: 'Undelivered Mail Returned to Sender',
  delay: 'Delayed Mail (still being retried)',
  trace: 'Mail Delivery Status Report',
};
const BODY: Record<Kind, string[]> = { failure: FAILURE_BODY, delay: DELAY_BODY, trace: TRACE_BODY };
const LOGGED: Record<Kind, string> = { failure: 'non-delivery', delay: 'delay', trace: 'delivery status' };

/** Seconds per time unit suffix of a template parameter ($delay_warning_time_hours). */
const TIME_UNITS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400, weeks: 604800 };
/** The time parameters a template may show in a unit. */
const TIME_PARAMETERS = ['delay_warning_time', 'maximal_queue_lifetime'];

/**
 * A template's time value in the unit its name asks for ("delay_warning_time_hours"), as
 * bounce_template.c converts it: rounded down, with bounce(5)'s three-line warning when the
 * result is 0 for a non-zero time, or above 999 in a unit smaller than a day.
 */
function templateTime(key: string, seconds: (param: string) => number, warn: (text: string) => void, templateClass: string): string | undefined {
  const param = TIME_PARAMETERS.find((p) => key.startsWith(`${p}_`));
  if (!param) return undefined;
  const unit = key.slice(param.length + 1);
  const divisor = TIME_UNITS[unit];
  if (!divisor) return undefined;
  const value = seconds(param);
  const result = Math.floor(value / divisor);
  if (result > 999 && divisor < TIME_UNITS.days) {
    warn(`[built-in]: excessive result "${result}" in ${templateClass} template conversion of parameter "${key}"`);
    warn(`please increase time unit "${unit}" of "${key}" in ${templateClass} template`);
    warn('for instructions see the bounce(5) manual');
  } else if (result === 0 && value > 0 && divisor > 1) {
    warn(`[built-in]: zero result in ${templateClass} template conversion of parameter "${key}"`);
    warn(`please reduce time unit "${unit}" of "${key}" in ${templateClass} template`);
    warn('for instructions see the bounce(5) manual');
  }
  return String(result);
}

/** The primary header block of a message (up to and including its last header line). */
function headerBlock(content: Buffer): Buffer {
  const text = content.toString('latin1');
  const end = text.startsWith('\n') ? 0 : text.indexOf('\n\n');
  return end < 0 ? content : content.subarray(0, end + (end === 0 ? 0 : 1));
}

/**
 * bounce_original()'s choice: the original's headers only for delay warnings and delivery
 * reports, for a failure when the sender asked RET=HDRS, and whenever the message is larger
 * than bounce_size_limit (so a truncated copy cannot break the MIME structure).
 */
function returnsHeadersOnly(kind: Kind, msg: QueueMessage, bounceSizeLimit: number): boolean {
  if (bounceSizeLimit > 0 && (msg.size.messageSize <= 0 || msg.size.messageSize > bounceSizeLimit)) return true;
  if (kind !== 'failure') return true;
  return (Number(msg.attributes[MAIL_ATTR_DSN_RET] ?? 0) & DSN_RET_HDRS) !== 0;
}

export function createBounce(deps: BounceDeps): BounceService {
  const cfg = deps.config;
  const clock = deps.clock ?? Date.now;
  const myhostname = () => cfg.get('myhostname');

  async function send(queueId: string, msg: QueueMessage, entries: LogEntry[], kind: Kind): Promise<string | undefined> {
    if (!msg.sender || entries.length === 0) return undefined;
    const delay = kind === 'delay';
    const now = Math.floor(clock() / 1000);
    const host = myhostname();
    const boundary = `${queueId}.${now}/${host}`;
    const eightBit = msg.attributes.encoding !== '7bit';
    const handle = await deps.cleanup.open('bounce');
    const L: string[] = [];
    L.push(`Received: by ${host} (Postfix)`, `\tid ${handle.queueId}; ${mailDate(now)}`);
    L.push(`Date: ${mailDate(now)}`);
    L.push(`From: Mail Delivery System <MAILER-DAEMON@${host}>`);
    L.push(`Subject: ${SUBJECT[kind]}`);
    L.push(`To: ${msg.sender}`, 'Auto-Submitted: auto-replied', 'MIME-Version: 1.0');
    L.push('Content-Type: multipart/report; report-type=delivery-status;', `\tboundary="${boundary}"`);
    if (eightBit) L.push('Content-Transfer-Encoding: 8bit');
    L.push('', 'This is a MIME-encapsulated message.', '');
    L.push(`--${boundary}`, 'Content-Description: Notification', `Content-Type: text/plain; charset=${eightBit ? 'utf-8' : 'us-ascii'}`);
    if (eightBit) L.push('Content-Transfer-Encoding: 8bit');
    L.push('');
    const lookup = (name: string): string => name === 'myhostname' ? host
      : templateTime(name, (p) => cfg.time(p), (t) => deps.logger.warning('bounce', t), kind) ?? '';
    for (const line of BODY[kind]) L.push(line.replace(/\$(\w+)/g, (_, n: string) => lookup(n)));
    for (const e of entries) {
      L.push('');
      const head = e.origTo ? `<${e.address}> (expanded from <${e.origTo}>): ${e.reason}` : `<${e.address}>: ${e.reason}`;
      L.push(...lineWrap(head));
    }
    L.push('', `--${boundary}`, 'Content-Description: Delivery report', 'Content-Type: message/delivery-status', '');
    L.push(`Reporting-MTA: dns; ${host}`, `X-Postfix-Queue-ID: ${queueId}`, `X-Postfix-Sender: rfc822; ${msg.sender}`);
    if (msg.arrivalTime > 0) L.push(`Arrival-Date: ${mailDate(Math.floor(msg.arrivalTime / 1000))}`);
    for (const e of entries) {
      L.push('', `Final-Recipient: rfc822; ${e.address}`);
      if (e.dsnOrcpt) L.push(`Original-Recipient: ${e.dsnOrcpt}`);
      else if (e.origTo) L.push(`Original-Recipient: rfc822; ${e.origTo}`);
      L.push(`Action: ${kind === 'failure' ? 'failed' : e.action}`, `Status: ${e.status}`);
      if (e.mtaType && e.mtaName) L.push(...lineWrap(`Remote-MTA: ${e.mtaType}; ${e.mtaName}`));
      if (e.diagType && e.diagText) L.push(...lineWrap(`Diagnostic-Code: ${e.diagType}; ${e.diagText}`));
      else L.push(...lineWrap(`Diagnostic-Code: X-Postfix; ${e.reason}`));
      if (delay) L.push(`Will-Retry-Until: ${mailDate(Math.floor(msg.arrivalTime / 1000) + cfg.time('maximal_queue_lifetime'))}`);
    }
    const headersOnly = returnsHeadersOnly(kind, msg, cfg.int('bounce_size_limit'));
    L.push('', `--${boundary}`, `Content-Description: ${kind === 'trace' ? '' : 'Undelivered '}${headersOnly ? 'Message Headers' : 'Message'}`);
    L.push(`Content-Type: ${headersOnly ? 'text/rfc822-headers' : 'message/rfc822'}`);
    if (eightBit) L.push('Content-Transfer-Encoding: 8bit');
    L.push('', `Return-Path: <${msg.sender}>`);
    const content = Buffer.concat([
      Buffer.from(L.join('\n') + '\n', 'latin1'),
      headersOnly ? headerBlock(msg.content) : msg.content,
      Buffer.from(`\n--${boundary}--\n`, 'latin1'),
    ]);
    const reply = await handle.submit({
      source: 'bounce', sender: '', content,
      recipients: [{ address: msg.sender, dsnOrcpt: `rfc822;${msg.sender}` }],
      // the notification declares 8bit parts, so it is queued as 8-bit mail and smtp(8)
      // sends it with BODY=8BITMIME, as Postfix's cleanup marks it
      ...(eightBit ? { attributes: { encoding: '8bit' } } : {}),
      arrivalTime: clock(),
    });
    if (reply.status !== CLEANUP_STAT.OK) throw new Error(`bounce: cleanup status ${reply.status}: ${reply.reason ?? ''}`);
    deps.logger.info('bounce', `${queueId}: sender ${LOGGED[kind]} notification: ${reply.queueId}`);
    return reply.queueId;
  }

  /** Remove a log that has served; one that was never written is fine, and a failure is logged, not fatal. */
  async function removeLog(kind: LogKind, queueId: string): Promise<void> {
    await deps.layout.remove(kind, queueId).catch((err: Error) => deps.logger.warning('bounce', `remove ${kind}/${queueId}: ${err.message}`));
  }

  return {
    append: (kind, queueId, r, d) => appendLog(deps.layout, kind, queueId, r, d),
    async notify(queueId, msg, from) {
      const entries = await readLog(deps.layout, from, queueId);
      const id = await send(queueId, msg, entries, 'failure');
      await removeLog(from, queueId);
      return id;
    },
    async warn(queueId, msg) {
      return send(queueId, msg, await readLog(deps.layout, 'defer', queueId), 'delay');
    },
    async trace(queueId, msg) {
      const id = await send(queueId, msg, await readLog(deps.layout, 'trace', queueId), 'trace');
      await removeLog('trace', queueId);
      return id;
    },
    async removeLogs(queueId) {
      for (const kind of ['bounce', 'defer', 'trace'] as const) {
        await removeLog(kind, queueId);
      }
    },
  };
}
