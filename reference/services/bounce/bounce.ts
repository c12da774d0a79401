/**
 * bounce: the reference bounce(8) service (the bounce, defer and trace entries of master.cf).
 *
 * Requests served (called by qmgr, in-process):
 *   append(kind, QID, recipient, dsn)  append to bounce/QID, defer/QID or trace/QID (logfile.ts)
 *   notify(QID, message, from, verp)   send the sender a non-delivery notification for the
 *                                      recipients in bounce/QID (from = 'bounce'), or in
 *                                      defer/QID when the message expired (from = 'defer');
 *                                      logs "QID: sender non-delivery notification: NEWQID";
 *                                      with VERP delimiters, one notice per recipient, to the
 *                                      VERP sender built for it (bounce_notify_verp.c)
 *   warn(QID, message)                 the "Delayed Mail (still being retried)" warning built
 *                                      from defer/QID; logs "QID: sender delay notification: NEWQID"
 *   trace(QID, message, report)        built from trace/QID, with the message headers only: the
 *                                      "Mail Delivery Status Report" (sendmail -bv, report
 *                                      'verify') or the "Successful Mail Delivery Report" for
 *                                      RCPT TO NOTIFY=SUCCESS (report 'success'); logs
 *                                      "QID: sender delivery status notification: NEWQID"
 * Notifications are RFC 3464 multipart/report messages with the built-in templates of
 * bounce_templates.c, submitted as new mail through cleanup with the null sender; the delivery
 * report carries "Original-Envelope-Id:" when MAIL FROM had ENVID= (bounce_header_dsn()).
 * A failure or delay notice for a message with a null sender goes to postmaster or nowhere
 * (notify_classes); a delivery report for one is not sent. The sender's failure notice lists
 * only the recipients that asked for it (no NOTIFY=, or NOTIFY=FAILURE), the delay warning
 * those with no NOTIFY= or NOTIFY=DELAY (RFC 3461 section 4.1); when none is left, the notice
 * is cancelled after cleanup has read its header (bounce_diagnostic_log()'s filter). With
 * smtputf8_enable (the default) the notice is 8bit whatever the original was (otherwise it has
 * the original's encoding), so it is queued with encoding=8bit and sent with BODY=8BITMIME; a
 * notice about SMTPUTF8 mail keeps the SMTPUTF8 request, has message/global-delivery-status
 * and message/global(-headers) parts; a notice about mail with any SMTPUTF8 flag in its queue
 * file (requested, a UTF-8 sender, an 8-bit header) types UTF-8 addresses "utf-8" (RFC 6533).
 * The notice's own text is written as UTF-8 bytes; the original's sender in X-Postfix-Sender:
 * and in the returned message's Return-Path: is quoted as bounce_mail_alloc() quotes it, not
 * 8-bit clean (a backslash before each 8-bit byte). Follows bounce(8), bounce_notify_service.c,
 * bounce_warn_service.c, bounce_trace_service.c, bounce_notify_util.c (Postfix 3.7.11).
 * Differs from Postfix: a bounce_template_file's Charset: and 8-bit template text are not
 * modelled; every template is us-ascii and 7bit, as the built-in ones are. A template Postfix
 * ignores (keeping the built-in one) is ignored here too, but without Postfix's warning.
 */
import type { CleanupClient, Logger } from '../contracts.ts';
import type { QueueLayout } from '../../queue/layout.ts';
import type { QueueMessage } from '../../queue/queue-file.ts';
import { REC } from '../../queue/records.ts';
import { mailDate } from '../../global/mail-date.ts';
import { lineWrap } from '../../global/line-wrap.ts';
import { CLEANUP_STAT } from '../../global/cleanup-user.ts';
import { DSN_NOTIFY_DELAY, DSN_NOTIFY_FAILURE, DSN_RET_HDRS } from '../../global/dsn-mask.ts';
import { MAIL_ATTR_DSN_ENVID, MAIL_ATTR_DSN_RET, MAIL_ATTR_ENC_7BIT, MAIL_ATTR_ENC_8BIT, MAIL_ATTR_ENCODING, SMTPUTF8_FLAG_REQUESTED } from '../../global/mail-proto.ts';
import { readFile } from 'node:fs/promises';
import { externalize, internalize, quoteLocal, scan } from '../../global/tok822.ts';
import { verpSender } from '../../global/verp.ts';
import { utf8ByteString } from '../../global/byte-string.ts';
import { appendLog, readLog, type LogDsn, type LogEntry, type LogKind, type LogRecipient } from './logfile.ts';
import { allAscii } from '../../global/allascii.ts';
import { smtputf8Autodetect } from '../../global/smtputf8.ts';
import { headerNameLength } from '../../global/is-header.ts';

export interface BounceParams {
  get(name: string): string;
  bool(name: string): boolean;
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

/** What a trace/QID report is: a sendmail -bv answer, or the NOTIFY=SUCCESS notice. */
export type TraceReport = 'verify' | 'success';

export interface BounceService {
  append(kind: LogKind, queueId: string, r: LogRecipient, d: LogDsn): Promise<void>;
  /** `verp`: the message's VERP delimiters, unless disable_verp_bounces turns per-recipient notices off. */
  notify(queueId: string, msg: QueueMessage, from: 'bounce' | 'defer', verp?: string): Promise<string | undefined>;
  warn(queueId: string, msg: QueueMessage): Promise<string | undefined>;
  trace(queueId: string, msg: QueueMessage, report: TraceReport): Promise<string | undefined>;
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

const SUCCESS_BODY = [
  'This is the mail system at host $myhostname.',
  '',
  'Your message was successfully delivered to the destination(s)',
  'listed below. If the message was delivered to mailbox you will',
  'receive no further notifications. Otherwise you may still receive',
  'notifications of mail delivery errors from other systems.',
  '',
  '                   The mail system',
];

type Kind = 'failure' | 'delay' | 'trace' | 'success';

/** A notice's template (bounce(5)): the header values and the text with $name expansions. */
export interface BounceTemplate {
  from: string;
  subject: string;
  /** The Subject: of postmaster copies; the subject when the template has none. */
  postmasterSubject?: string;
  body: string[];
}

/** The built-in templates of bounce_templates.c. */
const BUILT_IN: Record<Kind, BounceTemplate> = {
  failure: { from: 'Mail Delivery System <MAILER-DAEMON>', subject: 'Undelivered Mail Returned to Sender', postmasterSubject: 'Postmaster Copy: Undelivered Mail', body: FAILURE_BODY },
  delay: { from: 'Mail Delivery System <MAILER-DAEMON>', subject: 'Delayed Mail (still being retried)', postmasterSubject: 'Postmaster Warning: Delayed Mail', body: DELAY_BODY },
  trace: { from: 'Mail Delivery System <MAILER-DAEMON>', subject: 'Mail Delivery Status Report', body: TRACE_BODY },
  success: { from: 'Mail Delivery System <MAILER-DAEMON>', subject: 'Successful Mail Delivery Report', body: SUCCESS_BODY },
};
/** The name of each kind's template in a bounce_template_file. */
const TEMPLATE_NAME: Record<Kind, string> = { failure: 'failure_template', delay: 'delay_template', trace: 'verify_template', success: 'success_template' };
const LOGGED: Record<Kind, string> = { failure: 'non-delivery', delay: 'delay', trace: 'delivery status', success: 'delivery status' };

/**
 * The NOTIFY= bit a recipient needs to be listed in the sender's notice of each kind
 * (RFC 3461 section 4.1); reports of deliveries list every recipient in trace/QID.
 */
const SENDER_NOTIFY_FILTER: Record<Kind, number | undefined> = { failure: DSN_NOTIFY_FAILURE, delay: DSN_NOTIFY_DELAY, trace: undefined, success: undefined };

/** A log entry in the sender's notice: no NOTIFY= at all (before DSN), or the filter's bit. */
const wantsNotice = (e: LogEntry, filter: number | undefined): boolean => filter === undefined || !e.dsnNotify || (e.dsnNotify & filter) !== 0;

/**
 * A bounce_template_file (bounce(5)): "name = <<MARK" … "MARK" blocks, each a template of
 * header lines (Charset:, From:, Subject:, Postmaster-Subject:), then the text after any blank
 * lines. A template starts as the built-in one of its kind (bounce_template.c copies its
 * prototype), so a header line it leaves out keeps the built-in value; templates the file
 * leaves out, and names that are no template's, stay built-in.
 */
export function parseTemplateFile(text: string): Record<string, BounceTemplate> {
  const out: Record<string, BounceTemplate> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(\w+)\s*=\s*<<\s*(\S+)\s*$/.exec(lines[i]!);
    if (!m) continue;
    const block: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== m[2]; i++) block.push(lines[i]!);
    const kind = KINDS.find((k) => TEMPLATE_NAME[k] === m[1]);
    if (kind) out[m[1]!] = parseTemplate(block, BUILT_IN[kind]);
  }
  return out;
}

const KINDS = Object.keys(TEMPLATE_NAME) as Kind[];

/**
 * One template's lines over the built-in `base`: header lines while they are headers, blank
 * lines skipped, the rest is the text. A template Postfix would ignore with a warning (an
 * empty or non-ASCII header value, an unknown label, Postmaster-Subject: where the kind has
 * none, no text) gives `base` (the warning is not logged).
 */
function parseTemplate(block: string[], base: BounceTemplate): BounceTemplate {
  const t: BounceTemplate = { ...base };
  let i = 0;
  for (; i < block.length && headerNameLength(block[i]!) > 0; i++) {
    const line = block[i]!;
    const nameLength = headerNameLength(line);
    const name = line.slice(0, nameLength).toLowerCase();
    const value = line.slice(nameLength).replace(/^[\s:]+/, '');
    if (value === '' || !allAscii(value)) return base;
    if (name === 'from') t.from = value;
    else if (name === 'subject') t.subject = value;
    else if (name === 'postmaster-subject' && base.postmasterSubject !== undefined) t.postmasterSubject = value;
    else if (name !== 'charset') return base;
  }
  while (i < block.length && block[i]!.trim() === '') i++;
  if (i === block.length) return base;
  t.body = block.slice(i);
  return t;
}

/** Who a notice goes to: the sender, or a postmaster copy (from double_bounce_sender). */
interface NoticeTarget {
  to: string;
  from: string;
  postmaster: boolean;
  /** Return the original's headers only (postmaster copy of a single bounce, delay notices). */
  headersOnly: boolean;
}

/** notify_classes words that make bounce(8) send postmaster copies. */
const NOTIFY_BOUNCE = 'bounce';
const NOTIFY_2BOUNCE = '2bounce';
const NOTIFY_DELAY = 'delay';

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

/** The charset and transfer encoding of the built-in templates' text (bounce_templates.c). */
const TEMPLATE_CHARSET = 'us-ascii';
const TEMPLATE_ENCODING = MAIL_ATTR_ENC_7BIT;

/**
 * bounce_mail_init()'s MIME encoding of a notice: 8bit whenever smtputf8_enable is on (an
 * address or $myhostname may be UTF-8), else the original's declared encoding, 7bit or 8bit;
 * undefined when the original declared none (the notice then declares none either).
 */
export function noticeEncoding(smtputf8Enable: boolean, original: string | undefined): string | undefined {
  if (smtputf8Enable || original === MAIL_ATTR_ENC_8BIT) return MAIL_ATTR_ENC_8BIT;
  if (original === MAIL_ATTR_ENC_7BIT) return MAIL_ATTR_ENC_7BIT;
  return undefined;
}

/**
 * IS_HEADER() of one content record: it starts with a blank (a folded line) or looks like
 * "Name:" (is_header(): printable ASCII other than ':', blanks allowed before the colon).
 */
const HEADER_RECORD = /^([ \t]|[\x21-\x39\x3b-\x7e]+[ \t]*:)/;
const LF = Buffer.from('\n');

/**
 * The original's headers as bounce_original() copies them for a headers-only return: content
 * record by record, up to the first record that is not a header line. A header longer than
 * line_length_limit is kept in several records (cleanup_out()), and its second piece, neither
 * folded nor "Name:", ends the copy there.
 */
function headerRecords(msg: QueueMessage): Buffer {
  const out: Buffer[] = [];
  const start = msg.records.findIndex((r) => r.type === REC.MESG);
  for (const rec of start < 0 ? [] : msg.records.slice(start + 1)) {
    if (rec.type !== REC.NORM && rec.type !== REC.CONT) break;
    if (!HEADER_RECORD.test(rec.data.toString('latin1'))) break;
    out.push(rec.data);
    if (rec.type === REC.NORM) out.push(LF);
  }
  return Buffer.concat(out);
}

/**
 * bounce_original()'s choice: the original's headers only for delay warnings and delivery
 * reports, for a failure when the sender asked RET=HDRS, and whenever the message is larger
 * than bounce_size_limit (so a truncated copy cannot break the MIME structure).
 */
function returnsHeadersOnly(kind: Kind, msg: QueueMessage, bounceSizeLimit: number, target?: NoticeTarget): boolean {
  if (bounceSizeLimit > 0 && (msg.size.messageSize <= 0 || msg.size.messageSize > bounceSizeLimit)) return true;
  if (kind !== 'failure' || target?.headersOnly) return true;
  if (target?.postmaster) return false;
  return (Number(msg.attributes[MAIL_ATTR_DSN_RET] ?? 0) & DSN_RET_HDRS) !== 0;
}

/**
 * The address type of a DSN field (RFC 6533 section 3): "utf-8" for a non-ASCII address of a
 * message with SMTPUTF8 flags, "rfc822" otherwise (bounce_notify_util.c's IS_UTF8_ADDRESS).
 */
export function dsnAddressType(smtputf8Flags: number, address: string): 'utf-8' | 'rfc822' {
  return smtputf8Flags !== 0 && !allAscii(address) ? 'utf-8' : 'rfc822';
}

/**
 * The original's sender as a notice shows it (X-Postfix-Sender:, the returned Return-Path:):
 * bounce_mail_alloc() quotes the internal form without QUOTE_FLAG_8BITCLEAN, so an 8-bit local
 * part is quoted with a backslash before each of its bytes. `sender` is the queue's external
 * form (cleanup.ts); the result is a byte string.
 */
export function noticeSender(sender: string): string {
  return quoteLocal(utf8ByteString(internalize(scan(sender))), false, false);
}

/** IS_UTF8_ADDRESS() of a byte string: not all ASCII, and valid UTF-8. */
function isUtf8Address(bytes: string): boolean {
  if (allAscii(bytes)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(bytes, 'latin1'));
    return true;
  } catch {
    return false;
  }
}

export function createBounce(deps: BounceDeps): BounceService {
  const cfg = deps.config;
  const clock = deps.clock ?? Date.now;
  const myhostname = () => cfg.get('myhostname');
  const notifyClasses = () => new Set(cfg.get('notify_classes').toLowerCase().split(/[\s,]+/).filter(Boolean));
  const doubleBounce = () => `${cfg.get('double_bounce_sender')}@${myhostname()}`;
  let templates: Record<string, BounceTemplate> | undefined;

  /** The template of a kind: from bounce_template_file when it has one, else built-in (read once). */
  async function templateOf(kind: Kind): Promise<BounceTemplate> {
    const file = cfg.get('bounce_template_file');
    if (!file) return BUILT_IN[kind];
    templates ??= parseTemplateFile(await readFile(file, 'utf8'));
    return templates[TEMPLATE_NAME[kind]] ?? BUILT_IN[kind];
  }

  /** A template's $name: myhostname, a time in a unit, or any main.cf parameter. */
  const expandName = (name: string, kind: Kind): string => {
    if (name === 'myhostname') return myhostname();
    const t = templateTime(name, (p) => cfg.time(p), (w) => deps.logger.warning('bounce', w), kind);
    if (t !== undefined) return t;
    try {
      return cfg.get(name);
    } catch {
      return ''; // not a parameter: expands to nothing, as an unknown $name in main.cf does
    }
  };

  async function send(queueId: string, msg: QueueMessage, logged: LogEntry[], kind: Kind, target?: NoticeTarget): Promise<string | undefined> {
    if ((!target && !msg.sender) || logged.length === 0) return undefined;
    const to = target?.to ?? msg.sender;
    const postmaster = target?.postmaster ?? false;
    // Postmaster copies list every recipient; the sender's notice only those that asked for it.
    const entries = postmaster ? logged : logged.filter((e) => wantsNotice(e, SENDER_NOTIFY_FILTER[kind]));
    const template = await templateOf(kind);
    const delay = kind === 'delay';
    const now = Math.floor(clock() / 1000);
    const host = myhostname();
    const boundary = `${queueId}.${now}/${host}`;
    const encoding = noticeEncoding(cfg.bool('smtputf8_enable'), msg.attributes[MAIL_ATTR_ENCODING]);
    const eightBit = encoding !== undefined && encoding !== MAIL_ATTR_ENC_7BIT;
    // SMTPUTF8 mail gets RFC 6533's message/global-* parts; the address fields are typed per address.
    const utf8Flags = msg.size.smtputf8;
    const global = (utf8Flags & SMTPUTF8_FLAG_REQUESTED) !== 0;
    const typed = (address: string) => `${dsnAddressType(utf8Flags, address)}; ${address}`;
    // The sender as bounce_mail_alloc() quotes it (not 8-bit clean), as bytes; its DSN type is
    // "utf-8" only when those bytes are still valid UTF-8 (IS_UTF8_ADDRESS).
    const senderBytes = noticeSender(msg.sender || `MAILER-DAEMON@${myhostname()}`);
    const senderType = utf8Flags !== 0 && isUtf8Address(senderBytes) ? 'utf-8' : 'rfc822';
    const handle = await deps.cleanup.open('bounce');
    // The notice's lines as byte strings: its text (envelope addresses, template text) as the
    // UTF-8 bytes Postfix copies, the quoted sender as the bytes bounce(8) made of it.
    const L: string[] = [];
    const put = (...lines: string[]) => L.push(...lines.map(utf8ByteString));
    put(`Received: by ${host} (Postfix)`, `\tid ${handle.queueId}; ${mailDate(now)}`);
    put(`Date: ${mailDate(now)}`);
    put(`From: ${template.from}`);
    put(`Subject: ${postmaster && template.postmasterSubject ? template.postmasterSubject : template.subject}`);
    // The queue keeps the sender in external form already (cleanup.ts): quoting it once more
    // would quote the quotes. Postfix's bounce_header() quotes the internal form once.
    put(`To: ${externalize(scan(to))}`, `Auto-Submitted: ${postmaster ? 'auto-generated' : 'auto-replied'}`, 'MIME-Version: 1.0');
    put('Content-Type: multipart/report; report-type=delivery-status;', `\tboundary="${boundary}"`);
    if (encoding) put(`Content-Transfer-Encoding: ${encoding === MAIL_ATTR_ENC_7BIT ? TEMPLATE_ENCODING : encoding}`);
    put('', 'This is a MIME-encapsulated message.', '');
    put(`--${boundary}`, 'Content-Description: Notification', `Content-Type: text/plain; charset=${eightBit ? 'utf-8' : TEMPLATE_CHARSET}`);
    if (eightBit) put(`Content-Transfer-Encoding: ${encoding}`);
    put('');
    // Postmaster copies carry the recipients' reasons without the template text.
    if (!postmaster) for (const line of template.body) put(line.replace(/\$(\w+)/g, (_, n: string) => expandName(n, kind)));
    for (const e of entries) {
      put('');
      const head = e.origTo ? `<${e.address}> (expanded from <${e.origTo}>): ${e.reason}` : `<${e.address}>: ${e.reason}`;
      put(...lineWrap(head));
    }
    put('', `--${boundary}`, 'Content-Description: Delivery report', `Content-Type: message/${global ? 'global-' : ''}delivery-status`);
    if (eightBit && global) put(`Content-Transfer-Encoding: ${encoding}`);
    put('');
    put(`Reporting-MTA: dns; ${host}`);
    // RFC 3464 section 2.2.1: the ENVID= of the original's MAIL FROM, as smtpd decoded it.
    const envid = msg.attributes[MAIL_ATTR_DSN_ENVID];
    if (envid) put(`Original-Envelope-Id: ${envid}`);
    put(`X-Postfix-Queue-ID: ${queueId}`);
    L.push(`X-Postfix-Sender: ${senderType}; ${senderBytes}`);
    if (msg.arrivalTime > 0) put(`Arrival-Date: ${mailDate(Math.floor(msg.arrivalTime / 1000))}`);
    for (const e of entries) {
      put('', `Final-Recipient: ${typed(e.address)}`);
      if (e.dsnOrcpt) put(`Original-Recipient: ${e.dsnOrcpt}`);
      else if (e.origTo) put(`Original-Recipient: ${typed(e.origTo)}`);
      put(`Action: ${kind === 'failure' ? 'failed' : e.action}`, `Status: ${e.status}`);
      if (e.mtaType && e.mtaName) put(...lineWrap(`Remote-MTA: ${e.mtaType}; ${e.mtaName}`));
      if (e.diagType && e.diagText) put(...lineWrap(`Diagnostic-Code: ${e.diagType}; ${e.diagText}`));
      else put(...lineWrap(`Diagnostic-Code: X-Postfix; ${e.reason}`));
      if (delay) put(`Will-Retry-Until: ${mailDate(Math.floor(msg.arrivalTime / 1000) + cfg.time('maximal_queue_lifetime'))}`);
    }
    const headersOnly = returnsHeadersOnly(kind, msg, cfg.int('bounce_size_limit'), target);
    const reportsDelivery = kind === 'trace' || kind === 'success';
    put('', `--${boundary}`, `Content-Description: ${reportsDelivery ? '' : 'Undelivered '}${headersOnly ? 'Message Headers' : 'Message'}`);
    if (global) put(`Content-Type: message/${headersOnly ? 'global-headers' : 'global'}`);
    else put(`Content-Type: ${headersOnly ? 'text/rfc822-headers' : 'message/rfc822'}`);
    if (eightBit) put(`Content-Transfer-Encoding: ${encoding}`);
    put('');
    L.push(`Return-Path: <${senderBytes}>`);
    const content = Buffer.concat([
      Buffer.from(L.join('\n') + '\n', 'latin1'),
      headersOnly ? headerRecords(msg) : msg.content,
      Buffer.from(`\n--${boundary}--\n`, 'latin1'),
    ]);
    const reply = await handle.submit({
      source: 'bounce', sender: target?.from ?? '', content,
      recipients: [{ address: to, dsnOrcpt: `rfc822;${to}` }],
      // the notification declares 8bit parts, so it is queued as 8-bit mail and smtp(8)
      // sends it with BODY=8BITMIME, as Postfix's cleanup marks it
      ...(eightBit ? { attributes: { [MAIL_ATTR_ENCODING]: MAIL_ATTR_ENC_8BIT } } : {}),
      arrivalTime: clock(),
      // The notice keeps the original's SMTPUTF8 request (post_mail_fopen_nowait()'s smtputf8),
      // so smtp(8) asks the next hop for SMTPUTF8 too.
      // No recipient asked for this notice: bounce(8) has already written its header to
      // cleanup (which logs the message-id) when it finds out, and closes without finishing.
      flags: {
        smtputf8: global, autoSmtputf8: smtputf8Autodetect(cfg.get('smtputf8_autodetect_classes'), 'bounce'),
        ...(entries.length === 0 ? { abandon: true } : {}),
      },
    });
    if (reply.status !== CLEANUP_STAT.OK) throw new Error(`bounce: cleanup status ${reply.status}: ${reply.reason ?? ''}`);
    if (entries.length === 0) return undefined;
    deps.logger.info('bounce', `${queueId}: ${postmaster ? 'postmaster' : 'sender'} ${LOGGED[kind]} notification: ${reply.queueId}`);
    return reply.queueId;
  }

  /**
   * bounce_notify_verp(): each failed recipient on its own, in a notice to the VERP sender made
   * for it from its original address (when it asked for failure notices), and with "bounce" in
   * notify_classes a postmaster copy of that one recipient. The first notice's queue ID is returned.
   */
  async function notifyVerp(queueId: string, msg: QueueMessage, entries: LogEntry[], verp: string, postmasterCopies: boolean): Promise<string | undefined> {
    let first: string | undefined;
    for (const e of entries) {
      if (wantsNotice(e, SENDER_NOTIFY_FILTER.failure)) {
        const to = verpSender(verp, msg.sender, e.origTo || e.address);
        const id = await send(queueId, msg, [e], 'failure', { to, from: '', postmaster: false, headersOnly: false });
        first ??= id;
      }
      if (postmasterCopies) {
        await send(queueId, msg, [e], 'failure', { to: cfg.get('bounce_notice_recipient'), from: doubleBounce(), postmaster: true, headersOnly: true });
      }
    }
    return first;
  }

  /** Remove a log that has served; one that was never written is fine, and a failure is logged, not fatal. */
  async function removeLog(kind: LogKind, queueId: string): Promise<void> {
    await deps.layout.remove(kind, queueId).catch((err: Error) => deps.logger.warning('bounce', `remove ${kind}/${queueId}: ${err.message}`));
  }

  return {
    append: (kind, queueId, r, d) => appendLog(deps.layout, kind, queueId, r, d),
    // bounce_notify_service(): a notice to the sender and, with "bounce" in notify_classes, a
    // postmaster copy with the headers only; mail from <> cannot be returned and goes whole to
    // 2bounce_notice_recipient ("bounce" or "2bounce" in notify_classes); a bounced postmaster
    // notice is dropped with a warning.
    async notify(queueId, msg, from, verp) {
      const entries = await readLog(deps.layout, from, queueId);
      const classes = notifyClasses();
      const pmFrom = doubleBounce();
      let id: string | undefined;
      if (msg.sender.toLowerCase() === pmFrom.toLowerCase()) {
        deps.logger.warning('bounce', `${queueId}: undeliverable postmaster notification discarded`);
      } else if (verp !== undefined && msg.sender) {
        id = await notifyVerp(queueId, msg, entries, verp, classes.has(NOTIFY_BOUNCE));
      } else if (!msg.sender) {
        if (classes.has(NOTIFY_BOUNCE) || classes.has(NOTIFY_2BOUNCE)) {
          id = await send(queueId, msg, entries, 'failure', { to: cfg.get('2bounce_notice_recipient'), from: pmFrom, postmaster: true, headersOnly: false });
        }
      } else {
        id = await send(queueId, msg, entries, 'failure');
        // also when the sender's notice was cancelled: the copy lists every recipient
        if (entries.length > 0 && classes.has(NOTIFY_BOUNCE)) {
          await send(queueId, msg, entries, 'failure', { to: cfg.get('bounce_notice_recipient'), from: pmFrom, postmaster: true, headersOnly: true });
        }
      }
      await removeLog(from, queueId);
      return id;
    },
    // bounce_warn_service(): the sender's warning and, with "delay" in notify_classes, a copy
    // for delay_notice_recipient.
    async warn(queueId, msg) {
      const entries = await readLog(deps.layout, 'defer', queueId);
      const id = await send(queueId, msg, entries, 'delay');
      if (msg.sender && entries.length > 0 && notifyClasses().has(NOTIFY_DELAY)) {
        await send(queueId, msg, entries, 'delay', { to: cfg.get('delay_notice_recipient'), from: doubleBounce(), postmaster: true, headersOnly: true });
      }
      return id;
    },
    // bounce_trace_service(): as with failures, a report about mail from <> goes to
    // 2bounce_notice_recipient ("2bounce" in notify_classes) or nowhere, and one about a
    // postmaster notice nowhere: its log then stays in trace/, after the message too, as in Postfix.
    async trace(queueId, msg, report) {
      const kind: Kind = report === 'verify' ? 'trace' : 'success';
      const pmFrom = doubleBounce();
      if (msg.sender.toLowerCase() === pmFrom.toLowerCase()) {
        deps.logger.info('bounce', `${queueId}: not sending trace/success notification for double-bounce message`);
        return undefined;
      }
      let target: NoticeTarget | undefined;
      if (!msg.sender) {
        if (!notifyClasses().has(NOTIFY_2BOUNCE)) {
          deps.logger.info('bounce', `${queueId}: not sending trace/success notification for single-bounce message`);
          await removeLog('trace', queueId);
          return undefined;
        }
        target = { to: cfg.get('2bounce_notice_recipient'), from: pmFrom, postmaster: false, headersOnly: true };
      }
      const id = await send(queueId, msg, await readLog(deps.layout, 'trace', queueId), kind, target);
      await removeLog('trace', queueId);
      return id;
    },
  };
}
