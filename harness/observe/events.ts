/**
 * Typed maillog events. One parser (parse.ts) turns a Postfix maillog line into one of these;
 * the reference MTA writes the same line format, so the same parser reads both targets.
 *
 * Every event keeps the raw line, the program (e.g. "postfix/smtpd") and, where the line has
 * one, the queue ID.
 */

interface Base {
  /** Daemon name without the syslog prefix: "smtpd", "cleanup", "qmgr", "local", "smtp", ... */
  service: string;
  /** Full program tag as logged, e.g. "postfix/smtpd" or "postfix-test/smtp". */
  program: string;
  pid: number;
  /** The timestamp text as logged (kept verbatim; the normaliser masks it). */
  time: string;
  queueId?: string;
  raw: string;
}

/** "daemon started -- version 3.7.11, configuration /etc/postfix" (master) */
export interface DaemonStarted extends Base { kind: 'daemon-started'; version: string; configDir: string }
/** "reload -- version ..., configuration ..." (master) */
export interface DaemonReloaded extends Base { kind: 'daemon-reloaded' }
/** "terminating on signal 15" (master) */
export interface DaemonStopped extends Base { kind: 'daemon-stopped' }
/** smtpd "connect from host[addr]" */
export interface SmtpdConnect extends Base { kind: 'connect'; client: string }
/** smtpd "QID: client=host[addr]" */
export interface SmtpdClient extends Base { kind: 'client'; client: string }
/** smtpd "NOQUEUE: reject: RCPT from host[addr]: 554 5.7.1 <x>: Relay access denied; from=<..> to=<..> proto=ESMTP helo=<..>" */
export interface SmtpdReject extends Base {
  kind: 'reject';
  stage: string;
  client: string;
  code: number;
  dsn?: string;
  text: string;
  from?: string;
  to?: string;
}
/** smtpd "disconnect from host[addr] ehlo=1 mail=1 rcpt=0/1 ... commands=3/4" */
export interface SmtpdDisconnect extends Base {
  kind: 'disconnect';
  client: string;
  /** Per-command counts as logged: "rcpt=0/1" → { rcpt: { ok: 0, total: 1 } }. */
  counts: Record<string, { ok: number; total: number }>;
}
/**
 * smtpd session ended abnormally: "lost connection after DATA (0 bytes) from host[addr]",
 * "too many errors after RCPT from host[addr]", "timeout after END-OF-MESSAGE from host[addr]".
 */
export interface SmtpdSessionAbort extends Base {
  kind: 'lost-connection' | 'too-many-errors' | 'timeout';
  client: string;
  /** The SMTP stage, e.g. "EHLO", "DATA", "END-OF-MESSAGE", "CONNECT". */
  after: string;
  /** The parenthesised detail, e.g. "0 bytes". */
  detail?: string;
}
/** smtpd "improper command pipelining after EHLO from host[addr]: QUIT\r\n" */
export interface SmtpdImproperPipelining extends Base {
  kind: 'improper-pipelining';
  client: string;
  after: string;
  /** The unexpected input as logged (printable-escaped by smtpd). */
  detail: string;
}
/** cleanup "QID: message-id=<...>" */
export interface CleanupMessageId extends Base { kind: 'message-id'; messageId: string }
/** qmgr "QID: from=<...>, size=N, nrcpt=N (queue active)" */
export interface QmgrFrom extends Base { kind: 'queue-active'; from: string; size: number; nrcpt: number }
/** Any delivery agent: "QID: to=<..>, orig_to=<..>, relay=.., delay=.., delays=a/b/c/d, dsn=x.y.z, status=sent (text)" */
export interface Delivery extends Base {
  kind: 'delivery';
  to: string;
  origTo?: string;
  relay: string;
  delay: number;
  delays: [number, number, number, number];
  dsn: string;
  status: 'sent' | 'deferred' | 'bounced' | 'expired' | 'undeliverable' | 'deliverable' | string;
  /** The text in parentheses after status. */
  text: string;
  /** "forwarded as QID" inside the text (local alias expansion re-injection). */
  forwardedAs?: string;
}
/** bounce / defer / trace: "QID: sender non-delivery notification: NEWQID" */
export interface Notification extends Base {
  kind: 'notification';
  what: string;
  notificationId: string;
}
/** qmgr "QID: removed" */
export interface Removed extends Base { kind: 'removed' }
/**
 * qmgr "QID: from=<..>, status=expired, returned to sender"; after `postsuper -e` the status
 * is logged as "force-expired" and `forced` is true.
 */
export interface Expired extends Base { kind: 'expired'; from: string; forced?: boolean }
/** smtpd/cleanup/... warnings, errors, fatals, panics */
export interface Problem extends Base { kind: 'warning' | 'error' | 'fatal' | 'panic'; text: string }
/** Anything else, kept so nothing is lost. */
export interface Other extends Base { kind: 'other'; text: string }

export type MaillogEvent =
  | DaemonStarted | DaemonReloaded | DaemonStopped
  | SmtpdConnect | SmtpdClient | SmtpdReject | SmtpdDisconnect
  | SmtpdSessionAbort | SmtpdImproperPipelining
  | CleanupMessageId | QmgrFrom | Delivery | Notification | Removed | Expired
  | Problem | Other;

export type EventKind = MaillogEvent['kind'];
