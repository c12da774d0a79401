/**
 * The client interfaces between the reference MTA's services.
 *
 * Postfix's daemons talk over sockets with the attribute protocol; the reference keeps the same
 * requests and answers but, by default, carries them in-process (DESIGN.md §4). Each interface
 * below is the typed client of one service; a service's folder implements it. Two kinds of
 * edges are kept apart, as in Postfix:
 *
 *   the message moves:      smtpd → cleanup → (incoming/) → qmgr → delivery agents
 *                           local → cleanup (alias/forward re-injection), bounce → cleanup
 *   a service is consulted: trivial-rewrite, proxymap, scache, verify, flush, anvil
 */

/* ---------------- trivial-rewrite (consulted by cleanup, smtpd, qmgr) ---------------- */

export type RewriteRule = 'local' | 'remote';

export interface ResolveReply {
  transport: string;
  nexthop: string;
  recipient: string;
  /** Resolve flags: RESOLVE_CLASS_* and RESOLVE_FLAG_* (reference/global/resolve-clnt.ts). */
  flags: number;
}

export interface RewriteReply {
  address: string;
}

export interface TrivialRewriteClient {
  rewrite(rule: RewriteRule, address: string): Promise<RewriteReply>;
  /** Resolve a recipient (sender given for sender_dependent_* features; "" when unknown). */
  resolve(sender: string, address: string): Promise<ResolveReply>;
  /** verify-mode resolve (address verification); same answer shape. */
  resolveVerify?(sender: string, address: string): Promise<ResolveReply>;
}

/* ---------------- cleanup (the message moves in) ---------------- */

/** Where a message came from; decides cleanup's defaults (header fixing, rewrite context). */
export type CleanupSource = 'smtpd' | 'pickup' | 'local-forward' | 'bounce' | 'sendmail';

export interface CleanupRequest {
  source: CleanupSource;
  /** Envelope sender as given (no brackets; "" = null sender). */
  sender: string;
  /** Recipients; origTo is the original recipient as received (kept across alias expansion). */
  recipients: { address: string; origTo?: string; dsnNotify?: number; dsnOrcpt?: string }[];
  /** The message as received: header + body, lines ending in LF or CRLF. */
  content: Buffer;
  /** Named attributes for the queue file (client_name, client_address, protocol_name, helo_name, ...). */
  attributes?: Record<string, string>;
  /** When re-injecting (local), the queue ID of the parent message, for logging. */
  parentQueueId?: string;
  /** VERP delimiters (smtpd's XVERP, sendmail -V): cleanup writes them as the V record. */
  verpDelimiters?: string;
  /** Arrival time in ms since the epoch (injectable clock). */
  arrivalTime?: number;
  /** Flags as in cleanup_user.h: bit values are not needed by callers beyond these. */
  flags?: {
    bounceOnError?: boolean; virtualAliasExpansion?: boolean; smtputf8?: boolean;
    /** CLEANUP_FLAG_AUTOUTF8: request SMTPUTF8 when UTF-8 is found (global/smtputf8.ts, smtputf8_autodetect_classes). */
    autoSmtputf8?: boolean;
    /** The client gives up after the content (bounce's cancelled notice): cleanup reads it, logging as usual, then removes the file. */
    abandon?: boolean;
  };
}

/** A request without its content: what cleanup needs before the content arrives. */
export type CleanupEnvelope = Omit<CleanupRequest, 'content' | 'source'> & { source?: CleanupSource };

/**
 * One message on its way into cleanup, opened before its content arrives. Either submit() with
 * the whole message, or begin(), write() as the content comes, then end(); abort() when the
 * client gives up.
 */
export interface CleanupMessage {
  /** The queue ID (smtpd logs "QID: client=..." with it before the content arrives). */
  queueId: string;
  /** The envelope; the content follows. */
  begin(envelope: CleanupEnvelope): void;
  /**
   * Content bytes as they arrive: lines end in LF, bytes after the last LF wait for the rest of
   * their line; cleanup reads each header as soon as it is complete (and logs its message-id).
   */
  write(content: Buffer): void;
  /**
   * Flow control, as a full socket buffer to cleanup makes Postfix's smtpd wait: a promise to
   * wait on while cleanup has more unread content than it wants held, otherwise undefined.
   */
  pace(): Promise<void> | undefined;
  /** The end of the content (a last line without LF counts as a line): cleanup's answer. */
  end(): Promise<CleanupReply>;
  /** begin(), write() and end() at once; with flags.abandon, abort() instead of end() (answer OK). */
  submit(req: CleanupRequest): Promise<CleanupReply>;
  /**
   * The client gave up (went away, RSET, QUIT, a failed chunk): cleanup reads what was handed
   * over — its log lines stay, as in Postfix — then removes the queue file.
   */
  abort(): Promise<void>;
}

export interface CleanupReply {
  /** 0 = accepted; otherwise an error to give the client. */
  status: number;
  queueId: string;
  /** On error, the SMTP-ish reason ("4.3.0 ..."). */
  reason?: string;
}

export interface CleanupClient {
  /** Allocate a queue ID before content arrives (smtpd logs "QID: client=..." first). */
  open(source: CleanupSource): Promise<CleanupMessage>;
}

/* ---------------- delivery agents (qmgr → smtp, local, error, discard ...) ---------------- */

export interface DeliveryRecipient {
  /** Offset of the R record in the queue file, to mark it done. */
  offset: number;
  address: string;
  origTo: string;
  dsnNotify?: number;
  dsnOrcpt?: string;
}

export interface DeliveryRequest {
  queueId: string;
  /** Absolute path of the queue file in active/. */
  queueFile: string;
  transport: string;
  nexthop: string;
  sender: string;
  recipients: DeliveryRecipient[];
  arrivalTime: number;
  /** Time qmgr picked the message (for delays=a/b/c/d). */
  activeTime: number;
  /** DEL_REQ_FLAG_* (reference/global/deliver-request.ts), e.g. verify-only probes. */
  flags: number;
}

export type DeliveryOutcome = 'sent' | 'deferred' | 'bounced';

export interface RecipientStatus {
  offset: number;
  address: string;
  outcome: DeliveryOutcome;
  dsn: string;
  text: string;
  relay: string;
  /** Optional DSN details for bounce/defer logs and DSNs: e.g. diagType "smtp" with
   *  diagText "550 5.1.1 ...", mtaType "dns" with mtaName "mx.example"; action defaults from outcome. */
  diagType?: string;
  diagText?: string;
  mtaType?: string;
  mtaName?: string;
  action?: string;
  /** The recipient's NOTIFY bits as the agent left them: smtp(8) drops SUCCESS when the next hop offers DSN (it reports then). */
  dsnNotify?: number;
}

export interface DeliveryResult {
  /** Per-recipient outcome; the agent has already logged each as Postfix does. */
  recipients: RecipientStatus[];
  /** The agent could not talk to the destination at all (for qmgr's destination throttling). */
  destinationFailed?: boolean;
}

/**
 * A delivery agent as qmgr sees it. The agent reads the message from req.queueFile, logs one
 * status line per recipient ("QID: to=<..>, relay=.., delay=.., dsn=.., status=.. (text)",
 * global/log-adhoc.ts) and returns the outcomes; it neither marks recipients done nor
 * writes defer/ or bounce/ logs — qmgr does both from the result. With DEL_REQ_FLAG_USR_VRFY in
 * req.flags (sendmail -bv) it delivers nothing: no mailbox, file or command write, no
 * re-injection, no DATA; it logs deliverable/undeliverable (deliveryStatusWord) instead.
 */
export interface DeliveryAgent {
  readonly transport: string;
  deliver(req: DeliveryRequest): Promise<DeliveryResult>;
}

/* ---------------- logging (postlogd) ---------------- */

export interface Logger {
  /** One line, logged as "<time> <host> <syslog_name>/<service>[<pid>]: <text>". */
  info(service: string, text: string): void;
  warning(service: string, text: string): void;
  fatal(service: string, text: string): void;
}
