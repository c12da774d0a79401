/**
 * One smtpd(8) SMTP session: the command loop of smtpd_proto() for a connected client.
 *
 * Commands: HELO, EHLO, MAIL (SIZE, BODY, SMTPUTF8, RET, ENVID), RCPT (NOTIFY, ORCPT), DATA,
 * RSET, NOOP, VRFY, ETRN (with a flush service), XCLIENT and XFORWARD (never authorized), AUTH
 * (not enabled), BDAT (RFC 3030, bdat.ts), QUIT; STARTTLS is "502 5.5.1 Error: command not implemented";
 * anything else is "500 5.5.2 Error: command not recognized", and a header-like or forbidden
 * verb ends the session ("221 2.7.0 Error: I can break rules, too. Goodbye.").
 *
 * As chasquid's handlers do, each verb has one method that returns its reply (reply.ts: code,
 * enhanced status code, text); the loop writes it in one place, send(), and counts the command
 * (stats.ts). ESMTP parameters are params.ts's, the content reading after 354 data.ts's, the
 * queue-file attributes attributes.ts's. Recipients are checked by restrictions.ts; accepted
 * mail goes to cleanup (CleanupClient) with smtpd's own Received: header (received.ts) in front.
 * Started by smtpd.ts once per connection. Logging follows smtpd.c: "connect from",
 * "QID: client=", "reject: ...", "improper command pipelining after ...", "request longer than
 * ...", "lost connection after ...", "disconnect from ... <counts>".
 *
 * A command line is checked as UTF-8 (smtputf8_enable), cut at its first NUL and passed
 * through smtpd_command_filter before it is parsed (command.ts's commandText()), as
 * smtpd_proto() does; a table that fails mid-session ends it with "421 4.3.0 … Server local
 * data error" (LocalDataError); MAIL, RCPT, VRFY, HELO and EHLO
 * read their arguments as smtpd_token() words (command.ts), the address word through
 * extract_addr() (address.ts). Replies are held until smtpd must wait for input, as Postfix's
 * output stream holds them (flush()), so a pipelined group's replies leave together.
 *
 * Differs from Postfix: with smtputf8_enable = no, 8-bit bytes in commands are read as latin1
 * characters, so log lines show them UTF-8 encoded where Postfix writes the raw bytes.
 *
 * The content goes to cleanup as it arrives (cleanup-stream.ts): at DATA or the first BDAT
 * chunk smtpd begins the message with its envelope and its own Received: header, each record
 * follows, and the end of DATA / BDAT LAST ends it; a dropped transaction (client gone, RSET,
 * QUIT, a failed chunk, a content error) aborts it, after cleanup has read what came, so its
 * log lines (message-id=) are those Postfix's cleanup writes for the same bytes.
 */
import type { Socket } from 'node:net';
import type { CleanupClient, CleanupMessage, CleanupReply, Logger, TrivialRewriteClient } from '../contracts.ts';
import { CleanupOutput } from './cleanup-stream.ts';
import { commandText, escapeBytes, isForbiddenCommand, isHeaderToken, smtpdTokens, splitCommand, type SmtpdToken } from './command.ts';
import { printableBytes, printableText } from '../../global/printable.ts';
import { extractAddress, type EnvelopeAddress } from './address.ts';
import { LineStream } from './stream.ts';
import { receivedHeader } from './received.ts';
import { offeredKeywords } from './ehlo-keywords.ts';
import { ChatHistory, type NotifySettings } from './chat-notify.ts';
import { MAIL_ERROR } from '../../global/mail-error.ts';
import type { RecipientChecker } from './restrictions.ts';
import { etrnCommand } from '../flush/etrn.ts';
import type { FlushClient } from '../flush/flush.ts';
import { checkConnectLimits, type ConnectLimits } from '../anvil/smtpd-limits.ts';
import type { AnvilSession } from '../anvil/anvil.ts';
import { CLEANUP_STAT } from '../../global/cleanup-user.ts';
import { cleanupErrorClass, cleanupReply } from './cleanup-reply.ts';
import { queueFileAttributes } from './attributes.ts';
import { receiveContent, type ContentStore } from './data.ts';
import { ChunkReader, parseBdat, skipChunk } from './bdat.ts';
import { mailParams, rcptParams, type MailParams } from './params.ts';
import { formatReply, isPositive, parseReply, plainReply, reply, replyText, type SmtpReply } from './reply.ts';
import { softBounced, withFooter } from './footer.ts';
import type { CheckContext, CheckResult } from './restrictions.ts';
import { CommandStats, isVerb, type Verb } from './stats.ts';
import type { Maps } from '../../global/maps.ts';
import { EHLO_MASK_ENHANCEDSTATUSCODES, EHLO_MASK_SILENT, ehloMask, ehloMaskText } from '../../global/ehlo-mask.ts';

export interface SmtpdSettings {
  myhostname: string;
  smtpdBanner: string;
  mailName: string;
  messageSizeLimit: number;
  lineLengthLimit: number;
  recipientLimit: number;
  /** smtpd_recipient_overshoot_limit. */
  recipientOvershootLimit: number;
  softErrorLimit: number;
  hardErrorLimit: number;
  junkCommandLimit: number;
  errorSleepMs: number;
  timeoutMs: number;
  heloRequired: boolean;
  disableVrfy: boolean;
  smtputf8Enable: boolean;
  /** smtputf8_autodetect_classes names "smtpd": cleanup requests SMTPUTF8 for UTF-8 it finds (without MAIL FROM's SMTPUTF8). */
  smtputf8Autodetect: boolean;
  forbiddenCommands: string[];
  forbidUnauthPipelining: boolean;
  /** smtpd_forbid_bare_newline: "no" (3.7.11 default), "normalize" (= "yes") or "reject". */
  forbidBareNewline: 'no' | 'normalize' | 'reject';
  forbidBareNewlineRejectCode: number;
  /** smtpd_forbid_bare_newline_exclusions (default $mynetworks). */
  bareNewlineExcluded: (clientAddr: string) => boolean;
  /** local_header_rewrite_clients: does this client get the "local" header rewrite context? */
  localHeaderRewrite: (clientAddr: string) => boolean;
  /**
   * XVERP: smtpd_authorized_verp_clients (does this client get it?), default_verp_delimiters,
   * verp_delimiter_filter; undefined: no client does.
   */
  verp?: { clients: (clientAddr: string) => boolean; delimiters: string; filter: string };
  /** Postmaster notices (notify_classes and friends); without it no transcript is kept. */
  notify?: NotifySettings;
  /** Service name for logging ("smtpd", or a syslog_name override "postfix-x/smtpd"). */
  logService: string;
  /** smtpd_delay_reject; left out = "yes". */
  delayReject?: boolean;
  /** smtpd_noop_commands: verbs answered "250 2.0.0 Ok" and otherwise ignored (lower case). */
  noopCommands?: string[];
  /** smtpd_discard_ehlo_keywords (lower case; "silent-discard" suppresses the log line). */
  discardEhloKeywords?: string[];
  /** smtpd_reject_footer and smtpd_expansion_filter (footer.ts). */
  rejectFooter?: string;
  expansionFilter?: string;
  /** soft_bounce: every 5xx reply is sent as 4xx. */
  softBounce?: boolean;
  /** strict_rfc821_envelopes: MAIL FROM / RCPT TO addresses must be in <>. */
  strictRfc821Envelopes?: boolean;
  /** smtpd_peername_lookup; left out = "yes". With "no" every client is "unknown". */
  peernameLookup?: boolean;
  /** smtpd_client_port_logging: the client named "name[addr]:port" (smtpd.h SMTPD_BUILD_NAMADDRPORT). */
  clientPortLogging?: boolean;
  /** smtpd_delay_open_until_valid_rcpt; left out = "yes". With "no" the queue file is opened at MAIL FROM. */
  delayOpenUntilValidRcpt?: boolean;
  /** smtpd_reject_footer_maps: a footer per complete 4xx/5xx reply text, before smtpd_reject_footer. */
  rejectFooterMaps?: Maps;
  /** smtpd_command_filter: a replacement for each command line. */
  commandFilter?: Maps;
  /** smtpd_discard_ehlo_keyword_address_maps: the keywords to discard, by client address. */
  discardEhloKeywordMaps?: Maps;
}

export interface SmtpdDeps {
  settings: SmtpdSettings;
  cleanup: CleanupClient;
  checker: RecipientChecker;
  /** trivial-rewrite, for smtpd_check_addr()'s resolve of each envelope address (address.ts). */
  rewrite: TrivialRewriteClient;
  logger: Logger;
  /** Reverse lookup of the client address (name or "unknown"). */
  clientName: (addr: string) => Promise<string>;
  now?: () => number;
  /** flush(8) client for ETRN; without it ETRN is "502 command not implemented". */
  flush?: FlushClient;
  /** Connection count/rate limits through anvil(8). */
  limits?: ConnectLimits;
}

/**
 * Verbs Postfix knows that the reference answers "502 5.5.1 Error: command not implemented";
 * ehlo-keywords.test.ts checks that no offered EHLO keyword depends on one of them.
 */
export const UNSERVED_VERBS: ReadonlySet<Verb> = new Set<Verb>(['STARTTLS']);

/** No notify_classes: no transcript. */
const NO_NOTICES: NotifySettings = { notifyMask: 0, historyThreshold: 0, errorRecipient: '', bounceRecipient: '', doubleBounceSender: '', myhostname: '', mailName: '' };

/** What smtpd replaces by "?" in a HELO name (smtpd.c NEUTER_CHARACTERS): blank, <>()\\";@. */
const NEUTER_CHARACTERS = /[ <>()\\";@]/g;

/** Commands after which pending client input counts as improper pipelining. */
const LAST_IN_GROUP = new Set<Verb>(['HELO', 'EHLO', 'DATA', 'NOOP', 'VRFY']);
/** Replies after which smtpd hangs up (smtpd_chat_reply: 421 and 521). */
const HANGUP_CODES = new Set([421, 521]);
/** smtpd's SMTPD_AFTER_BDAT: the state after a BDAT chunk was read. */
const AFTER_BDAT = 'BDAT content';
/** Commands that count toward smtpd_junk_command_limit. */
const JUNK_LIMITED = new Set<Verb>(['HELO', 'EHLO', 'RSET', 'NOOP', 'VRFY', 'ETRN']);

/**
 * A command handler: the verb's arguments in, its reply out; `ok` where Postfix counts the
 * command as a success (or not) whatever the reply code (a recipient over the limit).
 */
type Answer = SmtpReply & { ok?: boolean };
type Handler = (args: string) => Promise<Answer>;

interface Transaction {
  /** External form (for cleanup and log lines); `senderInternal` (quotes removed) is what replies and checks use, as in Postfix. */
  sender: string;
  senderInternal: string;
  arrival: number;
  params: MailParams;
  recipients: { address: string; dsnNotify?: number; dsnOrcpt?: string }[];
  open?: CleanupMessage;
  /**
   * The MAIL parameters when the stream to cleanup was opened (the first accepted RCPT):
   * mail_open_stream() hands cleanup the SMTPUTF8 flag, ENVID, RET and BODY then, so a later
   * nested MAIL that forgets them in smtpd (mail_cmd()) leaves the queue file's untouched.
   */
  openParams?: MailParams;
  /** smtpd's stream to cleanup, once the content has begun (DATA, or the first BDAT chunk). */
  output?: CleanupOutput;
}

const isReply = (x: EnvelopeAddress | SmtpReply): x is SmtpReply => 'code' in x;

/** strcasecmp() against an upper-case keyword: ASCII letters only fold ("ſ" is not "S"). */
const sameWord = (text: string, upper: string) => text.replace(/[a-z]+/g, (w) => w.toUpperCase()) === upper;

export class SmtpdSession {
  private readonly s: SmtpdSettings;
  private readonly input: LineStream;
  private readonly now: () => number;
  private name = 'unknown';
  private addr: string;
  private port: number;
  /** The HELO/EHLO argument, blanks squeezed. */
  private heloName?: string;
  private protocol = 'SMTP';
  private tx?: Transaction;
  /**
   * smtpd's recipient state (rcpt_count, recipient, rcpt_overshoot): the accepted RCPT commands,
   * the first one, and those refused for smtpd_recipient_limit. Reset with the transaction
   * (rcpt_reset()), except after a failed BDAT LAST, where Postfix keeps it for the next one.
   */
  private rcptState: { count: number; first?: string; overshoot: number } = { count: 0, overshoot: 0 };
  /** BDAT state of the transaction (smtpd's bdat_state): taking chunks, or skipping them after an error. */
  private bdatState?: { skipping: true } | { skipping: false; reader: ChunkReader };
  /** The command line being handled, as received (for log lines that quote it). */
  private line = '';
  /** Replies not yet written (see flush()). */
  private output = '';
  /** SIZE= value; like Postfix it survives a failed MAIL and is reset with the transaction. */
  private msgSize = 0;
  /** MAIL FROM's AUTH= identity; like SIZE it survives a failed MAIL and is reset with the transaction. */
  private authSender?: string;
  private errorCount = 0;
  private junk = 0;
  private where = 'CONNECT';
  /**
   * What smtpd's line buffer (state->buffer) holds when the session ends: the bytes of a
   * command line cut off by the end of the connection, or the 421 reply of a timeout or of too
   * many errors. Postfix counts it in "lost connection after BDAT (n bytes)".
   */
  private endBufferLength = 0;
  private illPipelining = false;
  /** Bare-newline handling for this client (off for excluded clients). */
  private bareLf: SmtpdSettings['forbidBareNewline'] = 'no';
  private readonly stats = new CommandStats();
  private anvilSession?: AnvilSession;
  /** smtpd_client_restrictions refused the client at connect time (smtpd_delay_reject = no). */
  private accessDenied = false;
  /** The EHLO keywords discarded for this client (global/ehlo-mask.ts), chosen at connect time. */
  private ehloDiscard = 0;
  /** smtpd_discard_ehlo_keyword_address_maps failed at connect time: EHLO cannot be answered. */
  private ehloDiscardFailed = false;

  /** The transcript and error classes for postmaster notices (chat-notify.ts). */
  private readonly history: ChatHistory;
  /** A message ended (DATA or BDAT LAST answered): a reset point of the transcript. */
  private messageEnded = false;

  private readonly handlers: Record<Verb, Handler> = {
    HELO: (a) => this.helo(a),
    EHLO: (a) => this.ehlo(a),
    XCLIENT: (a) => this.xclient('XCLIENT', a),
    XFORWARD: (a) => this.xclient('XFORWARD', a),
    STARTTLS: () => this.notImplemented(), // one of UNSERVED_VERBS
    AUTH: () => this.auth(),
    MAIL: (a) => this.mail(a),
    RCPT: (a) => this.rcpt(a),
    DATA: (a) => this.data(a),
    BDAT: (a) => this.bdat(a),
    RSET: (a) => this.rset(a),
    NOOP: () => this.noop(),
    VRFY: (a) => this.vrfy(a),
    ETRN: (a) => (this.deps.flush ? this.etrn(a, this.deps.flush) : this.notImplemented()),
    QUIT: () => this.quit(),
  };

  constructor(private readonly socket: Socket, private readonly deps: SmtpdDeps) {
    this.history = new ChatHistory(deps.settings.notify ?? NO_NOTICES, deps.cleanup);
    this.s = deps.settings;
    this.input = new LineStream(socket, () => this.flush());
    this.now = deps.now ?? Date.now;
    this.addr = (socket.remoteAddress ?? '0.0.0.0').replace(/^::ffff:/i, '');
    this.port = socket.remotePort ?? 0;
  }

  private get namaddr(): string {
    return `${this.name}[${this.addr}]${this.s.clientPortLogging ? `:${this.port}` : ''}`;
  }

  private log(text: string): void {
    this.deps.logger.info(this.s.logService, text);
  }

  private warn(text: string): void {
    this.deps.logger.warning(this.s.logService, text);
  }

  /**
   * The one place a reply reaches the client (smtpd_chat_reply): a 4xx or 5xx reply once the
   * soft error limit is reached waits smtpd_error_sleep_time first.
   */
  private async send(given: SmtpReply): Promise<void> {
    const footed = withFooter(given, await this.footerTemplate(given), this.s.expansionFilter ?? '', (name) => this.expandName(name));
    const r = this.s.softBounce ? softBounced(footed) : footed;
    const delay = r.code >= 400 && this.errorCount >= this.s.softErrorLimit && this.s.errorSleepMs > 0;
    if (delay) await new Promise((done) => setTimeout(done, this.s.errorSleepMs));
    this.output += formatReply(r);
    this.history.replySent(replyText(r).split('\n'));
    if (delay) this.flush();
  }

  /**
   * The footer for a 4xx/5xx reply (smtpd_chat.c): what smtpd_reject_footer_maps finds for the
   * complete reply text, else smtpd_reject_footer.
   */
  private async footerTemplate(r: SmtpReply): Promise<string> {
    const maps = this.s.rejectFooterMaps;
    if (r.code >= 400 && r.code < 600 && maps && !maps.empty) {
      try {
        const found = await maps.find(replyText(r).replace(/\n/g, '\r\n'));
        if (found !== null) return found;
      } catch {
        // maps_find() failed: smtpd_chat.c then falls back to smtpd_reject_footer, as here.
      }
    }
    return this.s.rejectFooter ?? '';
  }

  /**
   * Write the replies held so far. Like Postfix's output stream, smtpd holds replies until it
   * must wait for client input (LineStream's beforeWait), sleeps after an error, or ends.
   */
  private flush(): void {
    if (this.output !== '' && !this.socket.destroyed && this.socket.writable) this.socket.write(this.output);
    this.output = '';
  }

  /** A reset point of the transcript (chat_reset()): see chat-notify.ts. */
  private chatReset(threshold: number, reason?: string): Promise<void> {
    return this.history.reset(threshold, this.namaddr, (t) => this.warn(t), reason);
  }

  /** Run the session to the end; never throws. */
  async run(): Promise<void> {
    let reason: string | undefined;
    try {
      // smtpd_peer.c: without smtpd_peername_lookup the name is "unknown" and nothing is asked.
      this.name = this.s.peernameLookup === false ? 'unknown' : await this.deps.clientName(this.addr);
      this.bareLf = this.s.bareNewlineExcluded(this.addr) ? 'no' : this.s.forbidBareNewline;
      this.log(`connect from ${this.namaddr}`);
      if (!(await this.greet())) return;
      reason = await this.serve();
      // smtpd_proto(): a client that goes away without QUIT right after its message is not worth a line.
      const quietEnd = reason === 'lost connection' && this.where === 'END-OF-MESSAGE';
      if (reason && !quietEnd) this.log(`${reason} after ${this.endWhere()} from ${this.namaddr}`);
    } catch (err) {
      this.warn(`${this.namaddr}: ${(err as Error).message}`);
    } finally {
      await this.resetTransaction();
      await this.chatReset(0, reason);
      this.anvilSession?.close();
      this.log(`disconnect from ${this.namaddr}${this.stats.format()}`);
      this.flush();
      this.close();
    }
  }

  /**
   * The end of the connection. Postfix closes it with close(2); when the client had sent more than
   * smtpd read, the kernel answers with a reset rather than a FIN (RFC 2525 section 2.17), and
   * the client can lose the last reply. The reference has read those bytes itself, so it sends
   * the reset once its replies are out.
   */
  private close(): void {
    if (this.socket.destroyed) return;
    if (!this.input.unreadAtClose()) {
      this.socket.end();
      return;
    }
    this.socket.write('', () => this.socket.resetAndDestroy());
  }

  /** The connection limits (anvil), then the banner; false when the client is turned away. */
  private async greet(): Promise<boolean> {
    // Input before the greeting is improper pipelining too (smtpd_proto()).
    if (this.flagIllPipelining('CONNECT') && this.s.forbidUnauthPipelining) {
      await this.send(reply(554, '5.5.0', 'Error: SMTP protocol synchronization'));
      return false;
    }
    const limit = this.deps.limits ? checkConnectLimits(this.deps.limits, this.addr, this.namaddr) : {};
    this.anvilSession = limit.session;
    if (limit.refuse) {
      this.warn(limit.refuse.warning);
      await this.send(parseReply(limit.refuse.reply));
      return false;
    }
    await this.chooseEhloDiscard();
    // smtpd_delay_reject = no: the client restrictions answer instead of the greeting.
    const denied = this.s.delayReject === false ? await this.deps.checker.checkClient(this.checkContext()) : undefined;
    if (denied) {
      this.accessDenied = true;
      this.errorCount++;
      await this.send(this.rejected('CONNECT', denied, {}));
      return true;
    }
    await this.send(plainReply(220, this.s.smtpdBanner));
    return true;
  }

  /**
   * smtpd_discard_ehlo_keyword_address_maps, looked up with the client address when it connects
   * (smtpd_proto()); a client the table does not list gets smtpd_discard_ehlo_keywords. A table
   * that fails is reported at EHLO, where Postfix looks at its error state.
   */
  private async chooseEhloDiscard(): Promise<void> {
    let words: string | null = null;
    const maps = this.s.discardEhloKeywordMaps;
    if (maps && !maps.empty) {
      try {
        words = await maps.find(this.addr);
      } catch {
        this.ehloDiscardFailed = true; // answered at EHLO (ehlo()), as ehlo_cmd() does
      }
    }
    this.ehloDiscard = ehloMask(words ?? (this.s.discardEhloKeywords ?? []).join(' '));
  }

  /** What the restrictions see of this session (smtpd_check.c's view of SMTPD_STATE). */
  private checkContext(over: Partial<CheckContext> = {}): CheckContext {
    return {
      clientAddr: this.addr, clientName: this.name, namaddr: this.namaddr, helo: this.heloName,
      sender: this.tx?.senderInternal, rcptCount: this.tx?.recipients.length ?? 0, where: this.where,
      log: (what, text) => this.logReject(this.where, text, { from: this.tx?.sender, to: over.recipient }, what),
      ...over,
    };
  }

  /** A restriction's rejection: its error class noted for notices, logged, and turned into the reply. */
  private rejected(stage: string, r: NonNullable<CheckResult>, extra: { from?: string; to?: string; helo?: string }): SmtpReply {
    this.history.error(r.errorClass ?? MAIL_ERROR.POLICY);
    return this.reject(stage, parseReply(r.reply), extra);
  }

  /** $name in smtpd_reject_footer (smtpd_expand.c smtpd_expand_lookup). */
  private expandName(name: string): string | undefined {
    const sender = this.tx?.senderInternal;
    const part = (address: string | undefined, suffix: string): string => {
      if (address === undefined) return '';
      const at = address.lastIndexOf('@');
      if (suffix === 'name') return address === '' ? '<>' : at < 0 ? address : address.slice(0, at);
      if (suffix === 'domain') return at < 0 ? '' : address.slice(at + 1);
      return address === '' ? '<>' : address;
    };
    const values: Record<string, () => string> = {
      server_name: () => this.s.myhostname, client: () => this.namaddr, client_address: () => this.addr,
      client_name: () => this.name, reverse_client_name: () => this.name, client_port: () => String(this.port),
      helo_name: () => this.heloName ?? '',
      sender: () => part(sender, ''), sender_name: () => part(sender, 'name'), sender_domain: () => part(sender, 'domain'),
      recipient: () => '', recipient_name: () => '', recipient_domain: () => '',
    };
    return values[name]?.();
  }

  /** The command loop; returns an abnormal-termination reason or undefined. */
  private async serve(): Promise<string | undefined> {
    try {
      return await this.loop();
    } catch (err) {
      // The client went away inside DATA (HangupError), or a table failed (LocalDataError); anything else is a fault.
      if (err instanceof LocalDataError) {
        await this.localDataError(err.message);
        return undefined;
      }
      if (!(err instanceof HangupError)) throw err;
      return err.message;
    }
  }

  private async loop(): Promise<string | undefined> {
    for (;;) {
      if (this.errorCount >= this.s.hardErrorLimit) {
        await this.sendFinal(reply(421, '4.7.0', `${this.s.myhostname} Error: too many errors`));
        return 'too many errors';
      }
      const got = await this.input.readLine(this.s.lineLengthLimit, this.s.timeoutMs, { skip: true, detectBareLf: this.bareLf !== 'no' });
      if (got === 'eof') {
        // smtp_get() keeps what it read of a line the end cut off (at most the bound).
        this.endBufferLength = Math.min(this.input.pending().length, this.s.lineLengthLimit);
        return 'lost connection';
      }
      if (got === 'timeout') {
        await this.sendFinal(this.timeoutReply());
        return 'timeout';
      }
      if (got.bareLf && this.bareLf === 'reject') {
        this.logWhatsup('reject', 'bare <LF> received');
        await this.send(this.bareLfReply());
        return undefined;
      }
      this.line = got.bytes.toString('latin1');
      this.history.commandRead(this.line);
      if (!got.complete) {
        // smtpd_chat_query(): printable() rewrites the line itself, so the command read is its printable form.
        this.line = printableBytes(this.line, this.s.smtputf8Enable);
        const shown = Buffer.from(this.line.slice(0, 30), 'latin1').toString(this.s.smtputf8Enable ? 'utf8' : 'latin1');
        this.warn(`${this.namaddr}: request longer than ${this.s.lineLengthLimit}: ${shown}...`);
      }
      if (await this.command(this.line)) return undefined;
    }
  }

  /** One command line: split, checked, handled, answered and counted. True when the session ends. */
  private async command(given: string): Promise<boolean> {
    let line = given;
    let text = commandText(line, this.s.smtputf8Enable);
    if (text !== 'bad-utf8' && this.s.commandFilter && !this.s.commandFilter.empty) {
      const filtered = await this.filterCommand(this.s.commandFilter, text);
      if (filtered !== text) line = this.line = Buffer.from((text = filtered), this.s.smtputf8Enable ? 'utf8' : 'latin1').toString('latin1');
    }
    const cmd = text === 'bad-utf8' ? undefined : splitCommand(text);
    if (!cmd) {
      await this.send(reply(500, '5.5.2', text === 'bad-utf8' ? 'Error: bad UTF-8 syntax' : 'Error: bad syntax'));
      this.errorCount++;
      return false;
    }
    const { verb, args } = cmd;
    // smtpd_noop_commands: answered before anything else and not counted.
    if (this.s.noopCommands?.includes(verb.toLowerCase())) {
      await this.send(reply(250, '2.0.0', 'Ok'));
      if (this.junk++ > this.s.junkCommandLimit) this.errorCount++;
      return false;
    }
    const upper = verb.toUpperCase();
    if (!isVerb(upper)) return this.unknownCommand(verb, line);
    if (this.accessDenied && upper !== 'QUIT') return this.refuseDenied(upper);
    this.where = upper;
    if (await this.improperPipelining(upper)) return true;
    let r: Answer;
    try {
      r = await this.handlers[upper](args);
    } catch (err) {
      this.stats.count(upper, false); // a client lost inside a command still counts it
      throw err;
    }
    await this.send(r);
    if (this.messageEnded) {
      this.messageEnded = false;
      await this.chatReset(this.s.notify?.historyThreshold ?? 0);
    }
    const ok = r.ok ?? isPositive(r);
    this.stats.count(upper, ok);
    if (!ok) this.errorCount++;
    if (JUNK_LIMITED.has(upper) && this.junk++ > this.s.junkCommandLimit) this.errorCount++;
    return upper === 'QUIT' || HANGUP_CODES.has(r.code);
  }

  /**
   * smtpd_command_filter (smtpd_proto()): the line, leading blanks and tabs skipped, is looked
   * up; a result replaces the whole line. A table that fails ends the session (LocalDataError).
   */
  private async filterCommand(filter: Maps, text: string): Promise<string> {
    let found: string | null;
    try {
      found = await filter.find(text.replace(/^[ \t]+/, ''));
    } catch (err) {
      throw new LocalDataError((err as Error).message);
    }
    if (found === null) return text;
    this.log(`${this.namaddr}: replacing command "${text.slice(0, 100)}" with "${found.slice(0, 100)}"`);
    return found;
  }

  /** RFC 5321 section 3.1: a client refused at connect time gets 503 for everything but QUIT. */
  private async refuseDenied(verb: Verb | 'UNKNOWN'): Promise<boolean> {
    this.stats.count(verb, false);
    await this.send(reply(503, '5.7.0', `Error: access denied for ${this.namaddr}`));
    this.errorCount++;
    return false;
  }

  /** Not a command Postfix knows: "command not recognized", or the end for a header or forbidden verb. */
  private async unknownCommand(verb: string, line: string): Promise<boolean> {
    this.where = 'UNKNOWN';
    this.stats.count('UNKNOWN', false);
    if (isHeaderToken(verb) || isForbiddenCommand(verb, this.s.forbiddenCommands)) {
      this.warn(`non-SMTP command from ${this.namaddr}: ${escapeBytes(line).slice(0, 100)}`);
      await this.send(reply(221, '2.7.0', 'Error: I can break rules, too. Goodbye.'));
      return true;
    }
    if (this.accessDenied) {
      await this.send(reply(503, '5.7.0', `Error: access denied for ${this.namaddr}`));
      this.errorCount++;
      return false;
    }
    await this.send(reply(500, '5.5.2', 'Error: command not recognized'));
    this.errorCount++;
    return false;
  }

  /**
   * Client input waiting before a reply it should wait for (any command without ESMTP, or one
   * that ends a pipelined group) is logged once; true when smtpd_forbid_unauth_pipelining
   * ends the session for it — the command then counts as failed (smtpd.c counted it before
   * this check).
   */
  private async improperPipelining(verb: Verb): Promise<boolean> {
    if (this.protocol === 'ESMTP' && !LAST_IN_GROUP.has(verb)) return false;
    if (!this.flagIllPipelining(verb) || !this.s.forbidUnauthPipelining) return false;
    await this.send(reply(554, '5.5.0', 'Error: SMTP protocol synchronization'));
    this.stats.count(verb, false);
    return true;
  }

  /** Input is waiting after `where` (smtpd_flag_ill_pipelining): logged once per session; true when flagged now. */
  private flagIllPipelining(where: string): boolean {
    if (this.illPipelining || this.input.pending().length === 0) return false;
    this.illPipelining = true;
    this.log(`improper command pipelining after ${where} from ${this.namaddr}: ${escapeBytes(this.input.pending().slice(0, 100))}`);
    return true;
  }

  /**
   * smtpd_proto()'s answer to a table that failed mid-session (SMTP_ERR_DATA): the warning, a
   * "reject:" line and 421 4.3.0, and the session ends.
   */
  private async localDataError(warning: string): Promise<void> {
    this.warn(warning);
    const r = reply(421, '4.3.0', `${this.s.myhostname} Server local data error`);
    this.log(`${this.tx?.open?.queueId ?? 'NOQUEUE'}: reject: ${this.where} from ${this.namaddr}: ${replyText(r)}`);
    this.history.error(MAIL_ERROR.DATA);
    await this.send(r);
  }

  /** The last reply of the session: smtpd_chat_reply() formats it in the line buffer, which keeps it. */
  private async sendFinal(r: SmtpReply): Promise<void> {
    this.endBufferLength = replyText(r).length;
    await this.send(r);
  }

  /**
   * The state named in the abnormal-end log line. After a BDAT chunk that was not the last
   * (smtpd's SMTPD_AFTER_BDAT, kept until a known command comes) it is "BDAT (n bytes)": the
   * content stored so far, the unfinished line and the line buffer (smtpd_proto()).
   */
  private endWhere(): string {
    if (this.where !== AFTER_BDAT) return this.where;
    const reader = this.bdatState && !this.bdatState.skipping ? this.bdatState.reader : undefined;
    return `BDAT (${(reader?.held ?? 0) + this.endBufferLength} bytes)`;
  }

  private timeoutReply(): SmtpReply {
    return reply(421, '4.4.2', `${this.s.myhostname} Error: timeout exceeded`);
  }

  private bareLfReply(): SmtpReply {
    return reply(this.s.forbidBareNewlineRejectCode, '5.5.2', `${this.s.myhostname} Error: bare <LF> received`);
  }

  /* ---------------- one method per command ---------------- */

  private async helo(args: string): Promise<SmtpReply> {
    if (args === '') return plainReply(501, 'Syntax: HELO hostname');
    const refused = await this.heloRestrictions(args);
    if (refused) return refused;
    await this.hello(args, 'SMTP');
    return plainReply(250, this.s.myhostname);
  }

  private async ehlo(args: string): Promise<SmtpReply> {
    if (args === '') return plainReply(501, 'Syntax: EHLO hostname');
    const refused = await this.heloRestrictions(args);
    if (refused) return refused;
    await this.hello(args, 'ESMTP');
    const keywords = this.ehloKeywords();
    if (this.ehloDiscardFailed) throw new LocalDataError(`don't know what EHLO features to announce to ${this.namaddr}`);
    return plainReply(250, [this.s.myhostname, ...keywords]);
  }

  /** smtpd_delay_reject = no: the HELO restrictions for the new name, before it is taken. */
  private async heloRestrictions(args: string): Promise<SmtpReply | undefined> {
    if (this.s.delayReject !== false) return undefined;
    const helo = smtpdTokens(args).map((t) => t.text).join(' ');
    const denied = await this.deps.checker.checkHelo(this.checkContext({ helo }));
    return denied && this.rejected(this.where, denied, { helo });
  }

  /**
   * HELO and EHLO: a new start, with the client's name remembered as helo_cmd()/ehlo_cmd() keep
   * it: the words joined by one blank, made printable, and each of NEUTER_CHARACTERS replaced by
   * "?" (it appears in Received: and log lines). EHLO makes the protocol ESMTP; HELO leaves it.
   */
  private async hello(args: string, protocol: 'SMTP' | 'ESMTP'): Promise<void> {
    await this.resetTransaction();
    await this.chatReset(this.s.notify?.historyThreshold ?? 0);
    const words = smtpdTokens(args).map((t) => t.text).join(' ');
    this.heloName = printableText(words, this.s.smtputf8Enable).replace(NEUTER_CHARACTERS, '?');
    if (protocol === 'ESMTP') this.protocol = protocol;
  }

  /**
   * The keywords of ehlo-keywords.ts that these settings and services offer, less those this
   * client's discard list names (chooseEhloDiscard()). ehlo_cmd() logs the whole list in
   * Postfix's name order, offered or not, unless it has "silent-discard" or ENHANCEDSTATUSCODES.
   */
  private ehloKeywords(): string[] {
    const offered = offeredKeywords(this.s, { flush: this.deps.flush !== undefined, verp: this.verpAllowed() });
    const discard = this.ehloDiscard;
    if (discard !== 0 && !(discard & (EHLO_MASK_SILENT | EHLO_MASK_ENHANCEDSTATUSCODES))) this.log(`discarding EHLO keywords: ${ehloMaskText(discard)}`);
    // XVERP is the VERP keyword's offered form.
    const bit = (k: string) => ehloMask(k.split(' ')[0]!.replace(/^XVERP$/i, 'VERP'));
    return offered.filter((k) => (bit(k) & discard) === 0);
  }

  /** smtpd_authorized_verp_clients matches this client: XVERP is offered and taken. */
  private verpAllowed(): boolean {
    return this.s.verp?.clients(this.addr) ?? false;
  }

  private async mail(args: string): Promise<SmtpReply> {
    // mail_cmd() forgets SMTPUTF8, BODY= and RET= before any check, so even a refused nested MAIL
    // takes them from the transaction under way.
    if (this.tx) {
      delete this.tx.params.smtputf8;
      delete this.tx.params.body;
      delete this.tx.params.ret;
    }
    if (this.s.heloRequired && this.heloName === undefined) return reply(503, '5.5.1', 'Error: send HELO/EHLO first');
    if (this.tx) return reply(503, '5.5.1', 'Error: nested MAIL command');
    if (this.bdatState) return reply(503, '5.5.1', 'Error: MAIL after BDAT');
    const argv = smtpdTokens(args);
    const params = argv.slice(2).map((t) => t.text);
    // The SMTPUTF8 parameter decides the address syntax, so it is looked for first (mail_cmd()).
    const smtputf8 = this.s.smtputf8Enable && params.some((w) => sameWord(w, 'SMTPUTF8'));
    const p = await this.pathArgument(argv, 'FROM', smtputf8, '');
    if (isReply(p)) return p;
    const given = mailParams(params, this.s.smtputf8Enable, this.authSender, this.verpAllowed() ? this.s.verp : undefined);
    if (given.size !== undefined) this.msgSize = given.size;
    this.authSender = given.authSender;
    if ('refuse' in given) return given.refuse;
    if (this.s.messageSizeLimit > 0 && this.msgSize > this.s.messageSizeLimit) {
      return this.reject('MAIL', reply(552, '5.3.4', 'Message size exceeds fixed limit'), { from: p.address });
    }
    // smtpd.c mail_cmd(): a VERP sender is built from the sender's address, so it needs one
    if (given.params.verp !== undefined && p.address === '') return reply(503, '5.5.4', 'Error: XVERP requires non-null sender');
    if (this.s.delayReject === false) {
      const denied = await this.deps.checker.checkMail(this.checkContext({ sender: p.internal }));
      if (denied) return this.rejected('MAIL', denied, { from: p.address });
    }
    this.tx = { sender: p.address, senderInternal: p.internal, arrival: this.now(), params: given.params, recipients: [] };
    // smtpd_delay_open_until_valid_rcpt = no: the queue file is opened now (mail_cmd()).
    if (this.s.delayOpenUntilValidRcpt === false) await this.openQueueFile(this.tx);
    return reply(250, '2.1.0', 'Ok');
  }

  private async rcpt(args: string): Promise<Answer> {
    const tx = this.tx;
    if (!tx) return reply(503, '5.5.1', 'Error: need MAIL command');
    if (this.bdatState) return reply(503, '5.5.1', 'Error: RCPT after BDAT');
    const argv = smtpdTokens(args);
    const p = await this.pathArgument(argv, 'TO', tx.params.smtputf8 === true, tx.senderInternal);
    if (isReply(p)) return p;
    const token = argv[1]!.text;
    const orcpt = token.length >= 2 && token.startsWith('<') && token.endsWith('>') ? token.slice(1, -1) : token;
    const dsn = rcptParams(argv.slice(2).map((t) => t.text), orcpt, (t) => this.warn(t));
    if ('refuse' in dsn) return dsn.refuse;
    if (this.s.recipientLimit > 0 && this.rcptState.count >= this.s.recipientLimit) {
      // smtpd_recipient_overshoot_limit: until then the 452 does not count as an error.
      return { ...reply(452, '4.5.3', 'Error: too many recipients'), ok: this.rcptState.overshoot++ < this.s.recipientOvershootLimit };
    }
    const rejected = await this.deps.checker.check(this.checkContext({ recipient: p.internal }));
    if (rejected) return this.rejected('RCPT', rejected, { from: tx.sender, to: p.address });
    if (!tx.open) await this.openQueueFile(tx);
    tx.recipients.push({ address: p.address, ...dsn });
    this.rcptState.count++;
    this.rcptState.first ??= p.address;
    return reply(250, '2.1.5', 'Ok');
  }

  /** mail_open_stream(): cleanup opens a queue file for the transaction; "QID: client=" is logged. */
  private async openQueueFile(tx: Transaction): Promise<void> {
    tx.open = await this.deps.cleanup.open('smtpd');
    tx.openParams = { ...tx.params };
    this.log(`${tx.open.queueId}: client=${this.namaddr}${tx.params.authSender !== undefined ? `, sasl_sender=${tx.params.authSender}` : ''}`);
  }

  /**
   * The address of MAIL FROM / RCPT TO (the words after the verb), or the reply that refuses it:
   * no "FROM:"/"TO:" word and address (501 5.5.4), an unclosed "<" or quote (501, no warning),
   * or an address extract_addr() finds illegal (501 with a warning). The parameters come after.
   */
  private async pathArgument(argv: SmtpdToken[], keyword: 'FROM' | 'TO', smtputf8: boolean, sender: string): Promise<EnvelopeAddress | SmtpReply> {
    const mail = keyword === 'FROM';
    const bad = mail ? reply(501, '5.1.7', 'Bad sender address syntax') : reply(501, '5.1.3', 'Bad recipient address syntax');
    if (argv.length < 2 || !sameWord(argv[0]!.text, `${keyword}:`)) return reply(501, '5.5.4', `Syntax: ${mail ? 'MAIL FROM' : 'RCPT TO'}:<address>`);
    if (argv[1]!.error) return bad;
    const p = await this.envelopeAddress(argv[1]!.text, mail ? 'MAIL' : 'RCPT', mail, smtputf8, sender);
    return p ?? bad;
  }

  private async data(args: string): Promise<SmtpReply> {
    if (this.bdatState) return reply(503, '5.5.1', 'Error: DATA after BDAT'); // RFC 3030 §3: no mixing
    const tx = this.tx;
    // data_cmd() asks smtpd's recipient count first, which a failed BDAT LAST leaves standing
    // (skipBdat()): then "DATA x" is a syntax error even without a transaction.
    if (this.rcptState.count === 0) return tx ? reply(554, '5.5.1', 'Error: no valid recipients') : reply(503, '5.5.1', 'Error: need RCPT command');
    if (args !== '') return reply(501, '5.5.4', 'Syntax: DATA');
    // Postfix 3.7.11's smtpd crashes past this point without a transaction; 3.7.22 answers so.
    if (!tx) return reply(503, '5.5.1', 'Error: need RCPT command');
    if (tx.recipients.length === 0) return reply(554, '5.5.1', 'Error: no valid recipients');
    const only = tx.recipients.length === 1 ? tx.recipients[0]!.address : undefined;
    const denied = await this.deps.checker.checkData(this.checkContext({ recipient: only }));
    if (denied) return this.rejected('DATA', denied, { from: tx.sender, to: only });
    const output = this.beginContent(tx);
    await this.send(plainReply(354, 'End data with <CR><LF>.<CR><LF>'));
    const content = await receiveContent(this.input, {
      timeoutMs: this.s.timeoutMs, lineLengthLimit: this.s.lineLengthLimit, messageSizeLimit: this.s.messageSizeLimit, bareLf: this.bareLf,
      tooBig: () => this.warn(`${tx.open?.queueId ?? 'NOQUEUE'}: queue file size limit exceeded`),
      output: (bytes) => output.put(bytes),
      pace: () => output.pace(),
    });
    if ('interrupted' in content) return this.hangupInData(content.interrupted, `DATA (${content.size} bytes)`);
    return this.endOfMessage(tx, content.store, content.bareLf, false);
  }

  /**
   * The end of DATA or BDAT LAST (common_post_message_handling): the error found, or cleanup's
   * answer. A failed BDAT chunk that was not the last ends the message too, but bdat_cmd()
   * leaves the state "BDAT content" (`where`), which its log lines show.
   */
  private async endOfMessage(tx: Transaction, store: ContentStore, bareLf: boolean, bdat: boolean, where = 'END-OF-MESSAGE'): Promise<SmtpReply> {
    this.where = where;
    this.messageEnded = true;
    if (bareLf) {
      this.logWhatsup('reject', 'bare <LF> received');
      await this.resetTransaction();
      return this.bareLfReply();
    }
    if (store.tooBig) {
      await this.resetTransaction();
      return reply(552, '5.3.4', 'Error: message file too big');
    }
    return (await this.endOfDataRestrictions(tx)) ?? this.queueMessage(tx, store, bdat);
  }

  /**
   * smtpd_end_of_data_restrictions (common_post_message_handling()): a refusal is the reply to
   * the end of the message, which is dropped, and the transaction ends as after any message:
   * the command history, MAIL and RCPT state are reset (chat_reset(), mail_reset(),
   * rcpt_reset()), so a RCPT or DATA that follows needs a new MAIL.
   *
   * Differs from Postfix 3.7.11, on purpose: 3.7.11 drops the message but keeps the MAIL and
   * RCPT state (a MAIL is "nested" until RSET; RCPT and DATA without a new MAIL deliver a second
   * message past the end-of-data checks; DATA right away crashes its smtpd), a defect fixed in
   * Postfix 3.7.22 ("missing SMTP server resets … after smtpd_end_of_data_restrictions
   * rejected a message"). The reference does what the fixed Postfix does (smtpd.test.ts; the
   * suite's scenarios all run on 3.7.11, so smtpd/end-of-data-restrictions sends RSET after
   * the rejection).
   */
  private async endOfDataRestrictions(tx: Transaction): Promise<SmtpReply | undefined> {
    const count = this.rcptState.count;
    const only = count === 1 ? tx.recipients[0]?.address : undefined;
    const denied = await this.deps.checker.checkEndOfData(this.checkContext({ recipient: only, rcptCount: count }));
    if (!denied) return undefined;
    const r = this.rejected(this.where, denied, { from: tx.sender, to: only });
    await this.chatReset(this.s.notify?.historyThreshold ?? 0);
    await this.resetTransaction();
    return r;
  }

  /**
   * BDAT (RFC 3030, bdat_cmd()): the chunk's bytes are always read before the reply, so that
   * they are never taken for commands; after a failed chunk the rest of the transaction's
   * chunks are read and dropped until BDAT LAST or RSET.
   */
  private async bdat(args: string): Promise<SmtpReply> {
    const qid = this.tx?.open?.queueId ?? 'NOQUEUE';
    const cmd = parseBdat(args);
    if (!cmd) {
      this.warn(`${qid}: malformed BDAT command syntax from ${this.namaddr}: ${printableText(this.line.slice(0, 100), false)}`);
      return reply(521, '5.5.4', 'Syntax: BDAT count [LAST]');
    }
    if (cmd.size === 0 && !cmd.last) {
      this.warn(`${qid}: null BDAT request from ${this.namaddr}`);
      return this.skipBdat(cmd, reply(551, '5.7.1', 'Null BDAT request'));
    }
    if (this.bdatState?.skipping) return this.skipBdat(cmd, reply(551, '5.0.0', `Discarded ${cmd.size} bytes after earlier error`));
    const tx = this.tx;
    if (!this.bdatState) {
      if (!tx) return this.skipBdat(cmd, reply(503, '5.5.1', 'Error: need RCPT command'));
      if (tx.recipients.length === 0) return this.skipBdat(cmd, reply(554, '5.5.1', 'Error: no valid recipients'));
    }
    const reader = this.bdatState?.reader ?? this.chunkReader(qid, tx!);
    // message_size_limit is checked on the announced chunk before it is read.
    if (this.s.messageSizeLimit > 0 && reader.store.size > this.s.messageSizeLimit - cmd.size) {
      this.warn(`${qid}: BDAT request from ${this.namaddr} exceeds message size limit`);
      return this.skipBdat(cmd, reply(552, '5.3.4', 'Chunk exceeds message size limit'));
    }
    this.bdatState = { skipping: false, reader };
    this.where = AFTER_BDAT;
    const stopped = await reader.read(this.input, cmd.size, cmd.last);
    if (stopped) {
      // Postfix counts what its I/O buffer holds: the unfinished fragment, or after a timeout the 421 reply text.
      const held = stopped.interrupted === 'eof' ? stopped.received : formatReply(this.timeoutReply()).length - 2;
      return this.hangupInData(stopped.interrupted, `BDAT (${stopped.stored + held} bytes)`);
    }
    if (cmd.last) return this.endOfMessage(tx!, reader.store, reader.bareLf, true);
    if (!reader.failed) return reply(250, '2.0.0', `Ok: ${cmd.size} bytes`);
    const r = await this.endOfMessage(tx!, reader.store, reader.bareLf, true, AFTER_BDAT);
    this.bdatState = { skipping: true };
    return r;
  }

  /** The first chunk of a transaction: its content begins (bdat_cmd() opens the stream to cleanup then). */
  private chunkReader(qid: string, tx: Transaction): ChunkReader {
    const output = this.beginContent(tx);
    return new ChunkReader({
      timeoutMs: this.s.timeoutMs, lineLengthLimit: this.s.lineLengthLimit, messageSizeLimit: this.s.messageSizeLimit,
      detectBareLf: this.bareLf !== 'no', rejectBareLf: this.bareLf === 'reject',
      tooBig: () => this.warn(`${qid}: queue file size limit exceeded`),
      output: (bytes) => output.put(bytes),
      pace: () => output.pace(),
    });
  }

  /**
   * The content begins: cleanup gets the envelope, then smtpd's Received: header, flushed at
   * once as data_cmd() does before its 354 reply; the content records follow as they arrive.
   */
  private beginContent(tx: Transaction): CleanupOutput {
    const open = tx.open!;
    const recipients = tx.recipients;
    const opened = tx.openParams ?? tx.params;
    open.begin({
      source: 'smtpd', sender: tx.sender, recipients, arrivalTime: tx.arrival, flags: { smtputf8: opened.smtputf8, autoSmtputf8: !opened.smtputf8 && this.s.smtputf8Autodetect }, verpDelimiters: opened.verp,
      attributes: queueFileAttributes({
        name: this.name, addr: this.addr, port: this.port, namaddr: this.namaddr, helo: this.heloName, protocol: this.protocol,
        serverAddr: this.socket.localAddress?.replace(/^::ffff:/i, '') ?? '', serverPort: this.socket.localPort ?? 0,
        localRewrite: this.s.localHeaderRewrite(this.addr),
      }, opened),
    });
    // The Received: header is written at DATA / the first chunk, from the parameters as they are then.
    const header = receivedHeader({
      heloName: this.heloName, clientName: this.name, clientAddr: this.addr, myhostname: this.s.myhostname,
      mailName: this.s.mailName, protocol: this.protocol, smtputf8: tx.params.smtputf8, queueId: open.queueId,
      singleRecipient: this.rcptState.count === 1 ? this.rcptState.first : undefined, arrivalTime: tx.arrival,
    });
    const output = new CleanupOutput(open);
    output.put(Buffer.from(header.join('\n') + '\n', 'latin1'));
    output.flush();
    tx.output = output;
    return output;
  }

  /**
   * Read and drop a chunk, then answer with `r` (skip_bdat()); a failed last chunk ends the
   * transaction. As in Postfix 3.7.11 the recipient count (rcptState) survives it, so the next
   * transaction reaches smtpd_recipient_limit sooner. Differs from Postfix 3.7.11 where its
   * smtpd crashes: a DATA after a failed BDAT LAST (`twinpost fuzz smtpd` reports those
   * sessions as Postfix crashes; fixed in Postfix 3.7.22) is answered as a DATA without a
   * transaction.
   */
  private async skipBdat(cmd: { size: number; last: boolean }, r: SmtpReply): Promise<SmtpReply> {
    const stopped = await skipChunk(this.input, cmd.size, this.s.timeoutMs);
    if (stopped) return this.hangupInData(stopped, undefined);
    // Postfix's skip_bdat() resets the transaction but not the recipient count (mail_reset()
    // without rcpt_reset()): the next transaction starts counting from there.
    if (cmd.last) await this.mailReset();
    else this.bdatState = { skipping: true };
    return r;
  }

  /**
   * The client went away or timed out inside DATA or a BDAT chunk: the transaction is dropped
   * and the session ends. `where` says how far it got ("DATA (n bytes)"); undefined keeps the command's name.
   */
  private async hangupInData(why: 'eof' | 'timeout', where: string | undefined): Promise<never> {
    if (where !== undefined) this.where = where;
    await this.resetTransaction();
    if (why === 'timeout') await this.send(this.timeoutReply());
    throw new HangupError(why === 'eof' ? 'lost connection' : 'timeout');
  }

  /** The end of the content: cleanup finishes the message; its answer is the reply. */
  private async queueMessage(tx: Transaction, store: ContentStore, bdat: boolean): Promise<SmtpReply> {
    const open = tx.open!;
    let result: CleanupReply;
    try {
      tx.output!.flush();
      result = await open.end();
    } catch (err) {
      // cleanup failed (a fault, not an answer): the client is told to try again.
      this.warn(`${open.queueId}: cleanup: ${(err as Error).message}`);
      result = { status: CLEANUP_STAT.WRITE, queueId: open.queueId };
    }
    tx.open = undefined;
    await this.resetTransaction();
    if (result.status === CLEANUP_STAT.OK) {
      return reply(250, '2.0.0', bdat ? `Ok: ${store.size} bytes queued as ${result.queueId}` : `Ok: queued as ${result.queueId}`);
    }
    this.history.error(cleanupErrorClass(result.status, result.reason));
    return cleanupReply(result.status, result.reason);
  }

  private async rset(args: string): Promise<SmtpReply> {
    if (args !== '') return reply(501, '5.5.4', 'Syntax: RSET');
    await this.chatReset(this.s.notify?.historyThreshold ?? 0);
    await this.resetTransaction();
    return reply(250, '2.0.0', 'Ok');
  }

  /** RFC 5321 allows (and Postfix ignores) a NOOP argument. */
  private async noop(): Promise<SmtpReply> {
    return reply(250, '2.0.0', 'Ok');
  }

  private async vrfy(args: string): Promise<SmtpReply> {
    if (this.s.disableVrfy) return reply(502, '5.5.1', 'VRFY command is disabled');
    const argv = smtpdTokens(args);
    if (argv.length === 0) return reply(501, '5.5.4', `Syntax: VRFY address${this.s.smtputf8Enable ? ' [SMTPUTF8]' : ''}`);
    // vrfy_cmd(): a last word SMTPUTF8 allows a UTF-8 domain, but stays part of the argument.
    const smtputf8 = this.s.smtputf8Enable && sameWord(argv[argv.length - 1]!.text, 'SMTPUTF8');
    const words = argv.map((t) => t.text).join(' ');
    const p = await this.envelopeAddress(words, 'VRFY', false, smtputf8, this.tx?.senderInternal ?? '');
    if (!p) return reply(501, '5.1.3', 'Bad recipient address syntax');
    const rejected = await this.deps.checker.check(this.checkContext({ recipient: p.internal }));
    if (rejected) return this.rejected('VRFY', rejected, { from: this.tx?.sender, to: p.address });
    return reply(252, '2.0.0', words);
  }

  private async etrn(args: string, flush: FlushClient): Promise<SmtpReply> {
    const st = { heloRequired: this.s.heloRequired, sawHelo: this.heloName !== undefined, inTransaction: this.tx !== undefined, namaddr: this.namaddr };
    const restrict = async (site: string): Promise<string | undefined> => {
      const denied = await this.deps.checker.checkEtrn(this.checkContext(), site);
      return denied && replyText(this.rejected('ETRN', denied, {}));
    };
    const r = await etrnCommand(args, st, flush, (t) => this.warn(t), restrict);
    return parseReply(r.reply);
  }

  /** XCLIENT / XFORWARD: no client is authorized (smtpd_authorized_*_hosts are empty). */
  private async xclient(verb: 'XCLIENT' | 'XFORWARD', args: string): Promise<SmtpReply> {
    if (this.tx) return reply(503, '5.5.1', 'Error: MAIL transaction in progress');
    if (args === '') return reply(501, '5.5.4', `Syntax: ${verb} attribute=value...`);
    return reply(550, '5.7.0', 'Error: insufficient authorization');
  }

  private async auth(): Promise<SmtpReply> {
    return reply(503, '5.5.1', 'Error: authentication not enabled');
  }

  private async quit(): Promise<SmtpReply> {
    return reply(221, '2.0.0', 'Bye');
  }

  private async notImplemented(): Promise<SmtpReply> {
    return reply(502, '5.5.1', 'Error: command not implemented');
  }

  /* ---------------- logging and transaction state ---------------- */

  /** Log a rejection (see logReject) and return its reply. */
  private reject(stage: string, r: SmtpReply, extra: { from?: string; to?: string; helo?: string }): SmtpReply {
    this.logReject(stage, replyText(r), extra);
    return r;
  }

  /** log_whatsup(): "QID: what: WHERE from name[addr]: text; from=<..> to=<..> proto=.. helo=<..>". */
  private logWhatsup(what: string, text: string): void {
    const last = this.tx?.recipients.at(-1);
    this.logReject(this.where, text, { from: this.tx?.sender, to: last?.address }, what);
  }

  private logReject(stage: string, reply: string, extra: { from?: string; to?: string; helo?: string }, what = 'reject'): void {
    const qid = this.tx?.open?.queueId ?? 'NOQUEUE';
    let text = `${qid}: ${what}: ${stage} from ${this.namaddr}: ${reply};`;
    if (extra.from !== undefined) text += ` from=<${extra.from}>`;
    if (extra.to !== undefined) text += ` to=<${extra.to}>`;
    text += ` proto=${this.protocol}`;
    const helo = extra.helo ?? this.heloName;
    if (helo !== undefined) text += ` helo=<${helo}>`;
    this.log(text);
  }

  /** extract_addr(): the address `token` holds, or undefined after Postfix's warning. */
  private async envelopeAddress(token: string, where: string, allowEmpty: boolean, smtputf8: boolean, sender: string): Promise<EnvelopeAddress | undefined> {
    const p = await extractAddress(token, { allowEmpty, smtputf8, sender, rewrite: this.deps.rewrite, strict: this.s.strictRfc821Envelopes });
    if (!p) this.warn(`Illegal address syntax from ${this.namaddr} in ${where} command: ${printableText(token, this.s.smtputf8Enable)}`);
    return p;
  }

  /** The end of a transaction: mail_reset() and rcpt_reset(). */
  private async resetTransaction(): Promise<void> {
    await this.mailReset();
    this.rcptState = { count: 0, overshoot: 0 };
  }

  /** mail_reset(): the transaction ends; the recipient state (rcptState) stays. */
  private async mailReset(): Promise<void> {
    const open = this.tx?.open;
    // A stream that was begun is closed: cleanup gets what smtpd still holds (mail_stream_cleanup()).
    this.tx?.output?.flush();
    this.tx = undefined;
    this.bdatState = undefined;
    this.msgSize = 0;
    this.authSender = undefined;
    // smtpd closes its stream and goes on, as mail_reset() does: cleanup reads what it was
    // given, then removes the unfinished queue file, best effort (mode 0600: qmgr never takes
    // it); what cleanup cannot remove it leaves, as Postfix's does.
    if (open) void open.abort().catch(() => undefined);
  }
}

/** Thrown inside DATA when the client goes away; run() reports it as an abnormal end. */
class HangupError extends Error {}

/** A table smtpd needs failed mid-session (Postfix's SMTP_ERR_DATA); the message is the warning. */
class LocalDataError extends Error {}
