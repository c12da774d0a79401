/**
 * One smtpd(8) SMTP session: the command loop of smtpd_proto() for a connected client.
 *
 * Commands: HELO, EHLO, MAIL (SIZE, BODY, SMTPUTF8, RET, ENVID), RCPT (NOTIFY, ORCPT), DATA,
 * RSET, NOOP, VRFY, ETRN (with a flush service), XCLIENT and XFORWARD (never authorized), AUTH
 * (not enabled), QUIT; STARTTLS and BDAT are "502 5.5.1 Error: command not implemented";
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
 * Differs from Postfix: CHUNKING is announced though BDAT is not implemented (issue 21, item 7);
 * a verb with a colon inside it ("Subject:x hello") is an unknown command, where Postfix takes
 * it for a header and says goodbye; the "non-SMTP command" warning shows 8-bit bytes as they
 * are, not as Postfix's octal escapes (both left out of smtpd/header-as-command).
 */
import type { Socket } from 'node:net';
import type { CleanupClient, CleanupReply, Logger } from '../contracts.ts';
import { escapeBytes, isForbiddenCommand, isHeaderToken, parseAddressArg, parsePath, type ParsedPath } from './command.ts';
import { LineStream } from './stream.ts';
import { receivedHeader } from './received.ts';
import type { RecipientChecker } from './restrictions.ts';
import { etrnCommand } from '../flush/etrn.ts';
import type { FlushClient } from '../flush/flush.ts';
import { checkConnectLimits, type ConnectLimits } from '../anvil/smtpd-limits.ts';
import type { AnvilSession } from '../anvil/anvil.ts';
import { CLEANUP_STAT } from '../../global/cleanup-user.ts';
import { queueFileAttributes } from './attributes.ts';
import { receiveContent } from './data.ts';
import { mailParams, rcptParams, type MailParams } from './params.ts';
import { formatReply, isPositive, parseReply, plainReply, reply, replyText, type SmtpReply } from './reply.ts';
import { CommandStats, isVerb, type Verb } from './stats.ts';

export interface SmtpdSettings {
  myhostname: string;
  smtpdBanner: string;
  mailName: string;
  messageSizeLimit: number;
  lineLengthLimit: number;
  recipientLimit: number;
  softErrorLimit: number;
  hardErrorLimit: number;
  junkCommandLimit: number;
  errorSleepMs: number;
  timeoutMs: number;
  heloRequired: boolean;
  disableVrfy: boolean;
  smtputf8Enable: boolean;
  forbiddenCommands: string[];
  forbidUnauthPipelining: boolean;
  /** smtpd_forbid_bare_newline: "no" (3.7.11 default), "normalize" (= "yes") or "reject". */
  forbidBareNewline: 'no' | 'normalize' | 'reject';
  forbidBareNewlineRejectCode: number;
  /** smtpd_forbid_bare_newline_exclusions (default $mynetworks). */
  bareNewlineExcluded: (clientAddr: string) => boolean;
  /** local_header_rewrite_clients: does this client get the "local" header rewrite context? */
  localHeaderRewrite: (clientAddr: string) => boolean;
  /** Service name for logging ("smtpd", or a syslog_name override "postfix-x/smtpd"). */
  logService: string;
}

export interface SmtpdDeps {
  settings: SmtpdSettings;
  cleanup: CleanupClient;
  checker: RecipientChecker;
  logger: Logger;
  /** Reverse lookup of the client address (name or "unknown"). */
  clientName: (addr: string) => Promise<string>;
  now?: () => number;
  /** flush(8) client for ETRN; without it ETRN is "502 command not implemented". */
  flush?: FlushClient;
  /** Connection count/rate limits through anvil(8). */
  limits?: ConnectLimits;
}

/** Commands after which pending client input counts as improper pipelining. */
const LAST_IN_GROUP = new Set<Verb>(['HELO', 'EHLO', 'DATA', 'NOOP', 'VRFY']);
/** Commands that count toward smtpd_junk_command_limit. */
const JUNK_LIMITED = new Set<Verb>(['HELO', 'EHLO', 'RSET', 'NOOP', 'VRFY', 'ETRN']);

/** A command handler: the verb's arguments in, its reply out. */
type Handler = (args: string) => Promise<SmtpReply>;

interface Transaction {
  /** External form (for cleanup and log lines); `senderInternal` (quotes removed) is what replies and checks use, as in Postfix. */
  sender: string;
  senderInternal: string;
  arrival: number;
  params: MailParams;
  recipients: { address: string; dsnNotify?: number; dsnOrcpt?: string }[];
  open?: Awaited<ReturnType<CleanupClient['open']>>;
}

const isReply = (x: ParsedPath | SmtpReply): x is SmtpReply => 'code' in x;

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
  /** SIZE= value; like Postfix it survives a failed MAIL and is reset with the transaction. */
  private msgSize = 0;
  private errorCount = 0;
  private junk = 0;
  private where = 'CONNECT';
  private illPipelining = false;
  /** Bare-newline handling for this client (off for excluded clients). */
  private bareLf: SmtpdSettings['forbidBareNewline'] = 'no';
  private readonly stats = new CommandStats();
  private anvilSession?: AnvilSession;

  private readonly handlers: Record<Verb, Handler> = {
    HELO: (a) => this.helo(a),
    EHLO: (a) => this.ehlo(a),
    XCLIENT: (a) => this.xclient('XCLIENT', a),
    XFORWARD: (a) => this.xclient('XFORWARD', a),
    STARTTLS: () => this.notImplemented(),
    AUTH: () => this.auth(),
    MAIL: (a) => this.mail(a),
    RCPT: (a) => this.rcpt(a),
    DATA: (a) => this.data(a),
    BDAT: () => this.notImplemented(),
    RSET: (a) => this.rset(a),
    NOOP: () => this.noop(),
    VRFY: (a) => this.vrfy(a),
    ETRN: (a) => (this.deps.flush ? this.etrn(a, this.deps.flush) : this.notImplemented()),
    QUIT: () => this.quit(),
  };

  constructor(private readonly socket: Socket, private readonly deps: SmtpdDeps) {
    this.s = deps.settings;
    this.input = new LineStream(socket);
    this.now = deps.now ?? Date.now;
    this.addr = (socket.remoteAddress ?? '0.0.0.0').replace(/^::ffff:/i, '');
    this.port = socket.remotePort ?? 0;
  }

  private get namaddr(): string {
    return `${this.name}[${this.addr}]`;
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
  private async send(r: SmtpReply): Promise<void> {
    if (r.code >= 400 && this.errorCount >= this.s.softErrorLimit && this.s.errorSleepMs > 0) {
      await new Promise((done) => setTimeout(done, this.s.errorSleepMs));
    }
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(formatReply(r));
  }

  /** Run the session to the end; never throws. */
  async run(): Promise<void> {
    try {
      this.name = await this.deps.clientName(this.addr);
      this.bareLf = this.s.bareNewlineExcluded(this.addr) ? 'no' : this.s.forbidBareNewline;
      this.log(`connect from ${this.namaddr}`);
      if (!(await this.greet())) return;
      const reason = await this.serve();
      if (reason) this.log(`${reason} after ${this.where} from ${this.namaddr}`);
    } catch (err) {
      this.warn(`${this.namaddr}: ${(err as Error).message}`);
    } finally {
      await this.resetTransaction();
      this.anvilSession?.close();
      this.log(`disconnect from ${this.namaddr}${this.stats.format()}`);
      this.socket.end();
    }
  }

  /** The connection limits (anvil), then the banner; false when the client is turned away. */
  private async greet(): Promise<boolean> {
    const limit = this.deps.limits ? checkConnectLimits(this.deps.limits, this.addr, this.namaddr) : {};
    this.anvilSession = limit.session;
    if (limit.refuse) {
      this.warn(limit.refuse.warning);
      await this.send(parseReply(limit.refuse.reply));
      return false;
    }
    await this.send(plainReply(220, this.s.smtpdBanner));
    return true;
  }

  /** The command loop; returns an abnormal-termination reason or undefined. */
  private async serve(): Promise<string | undefined> {
    try {
      return await this.loop();
    } catch (err) {
      // The client went away inside DATA (HangupError); anything else is a fault.
      if (!(err instanceof HangupError)) throw err;
      return err.message;
    }
  }

  private async loop(): Promise<string | undefined> {
    for (;;) {
      if (this.errorCount >= this.s.hardErrorLimit) {
        await this.send(reply(421, '4.7.0', `${this.s.myhostname} Error: too many errors`));
        return 'too many errors';
      }
      const got = await this.input.readLine(this.s.lineLengthLimit, this.s.timeoutMs);
      if (got === 'eof') return 'lost connection';
      if (got === 'timeout') {
        await this.send(this.timeoutReply());
        return 'timeout';
      }
      if (got.bareLf && this.bareLf === 'reject') {
        this.logWhatsup('reject', 'bare <LF> received');
        await this.send(this.bareLfReply());
        return undefined;
      }
      if (got.overflow) {
        this.warn(`${this.namaddr}: request longer than ${this.s.lineLengthLimit}: ${got.text.slice(0, 30)}...`);
      }
      if (await this.command(got.text)) return undefined;
    }
  }

  /** One command line: split, checked, handled, answered and counted. True when the session ends. */
  private async command(line: string): Promise<boolean> {
    const m = /^(\S+)(?:[ \t]+(.*))?$/.exec(line.replace(/^[ \t]+/, ''));
    if (!m) {
      await this.send(reply(500, '5.5.2', 'Error: bad syntax'));
      this.errorCount++;
      return false;
    }
    const verb = m[1]!;
    const args = (m[2] ?? '').replace(/[ \t]+$/, '');
    const upper = verb.toUpperCase();
    if (!isVerb(upper)) return this.unknownCommand(verb, line);
    this.where = upper;
    if (await this.improperPipelining(upper)) return true;
    let r: SmtpReply;
    try {
      r = await this.handlers[upper](args);
    } catch (err) {
      this.stats.count(upper, false); // a client lost inside a command still counts it
      throw err;
    }
    await this.send(r);
    const ok = isPositive(r);
    this.stats.count(upper, ok);
    if (!ok) this.errorCount++;
    if (JUNK_LIMITED.has(upper) && this.junk++ > this.s.junkCommandLimit) this.errorCount++;
    return upper === 'QUIT';
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
    await this.send(reply(500, '5.5.2', 'Error: command not recognized'));
    this.errorCount++;
    return false;
  }

  /**
   * Client input waiting before a reply it should wait for (any command without ESMTP, or one
   * that ends a pipelined group) is logged once; true when smtpd_forbid_unauth_pipelining
   * ends the session for it.
   */
  private async improperPipelining(verb: Verb): Promise<boolean> {
    if ((this.protocol === 'ESMTP' && !LAST_IN_GROUP.has(verb)) || this.illPipelining || this.input.pending().length === 0) return false;
    this.illPipelining = true;
    this.log(`improper command pipelining after ${verb} from ${this.namaddr}: ${escapeBytes(this.input.pending().slice(0, 100))}`);
    if (!this.s.forbidUnauthPipelining) return false;
    await this.send(reply(554, '5.5.0', 'Error: SMTP protocol synchronization'));
    return true;
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
    await this.hello(args, 'SMTP');
    return plainReply(250, this.s.myhostname);
  }

  private async ehlo(args: string): Promise<SmtpReply> {
    if (args === '') return plainReply(501, 'Syntax: EHLO hostname');
    await this.hello(args, 'ESMTP');
    return plainReply(250, [this.s.myhostname, ...this.ehloKeywords()]);
  }

  /** HELO and EHLO: a new start, with the client's name remembered. */
  private async hello(args: string, protocol: 'SMTP' | 'ESMTP'): Promise<void> {
    await this.resetTransaction();
    this.heloName = args.replace(/\s+/g, ' ');
    this.protocol = protocol;
  }

  private ehloKeywords(): string[] {
    const words = ['PIPELINING'];
    words.push(this.s.messageSizeLimit > 0 ? `SIZE ${this.s.messageSizeLimit}` : 'SIZE');
    if (!this.s.disableVrfy) words.push('VRFY');
    words.push('ETRN', 'ENHANCEDSTATUSCODES', '8BITMIME', 'DSN');
    if (this.s.smtputf8Enable) words.push('SMTPUTF8');
    words.push('CHUNKING');
    return words;
  }

  private async mail(args: string): Promise<SmtpReply> {
    if (this.s.heloRequired && this.heloName === undefined) return reply(503, '5.5.1', 'Error: send HELO/EHLO first');
    if (this.tx) return reply(503, '5.5.1', 'Error: nested MAIL command');
    const p = this.pathArgument(args, 'FROM');
    if (isReply(p)) return p;
    const given = mailParams(p.params, this.s.smtputf8Enable);
    if (given.size !== undefined) this.msgSize = given.size;
    if ('refuse' in given) return given.refuse;
    if (this.s.messageSizeLimit > 0 && this.msgSize > this.s.messageSizeLimit) {
      return this.reject('MAIL', reply(552, '5.3.4', 'Message size exceeds fixed limit'), { from: p.address });
    }
    this.tx = { sender: p.address, senderInternal: p.internal, arrival: this.now(), params: given.params, recipients: [] };
    return reply(250, '2.1.0', 'Ok');
  }

  private async rcpt(args: string): Promise<SmtpReply> {
    const tx = this.tx;
    if (!tx) return reply(503, '5.5.1', 'Error: need MAIL command');
    const p = this.pathArgument(args, 'TO');
    if (isReply(p)) return p;
    const dsn = rcptParams(p.params, p.address);
    if ('refuse' in dsn) return dsn.refuse;
    if (this.s.recipientLimit > 0 && tx.recipients.length >= this.s.recipientLimit) return reply(452, '4.5.3', 'Error: too many recipients');
    const rejected = await this.deps.checker.check({ clientAddr: this.addr, sender: tx.senderInternal, recipient: p.internal });
    if (rejected) return this.reject('RCPT', parseReply(rejected.reply), { from: tx.sender, to: p.address });
    if (!tx.open) {
      tx.open = await this.deps.cleanup.open('smtpd');
      this.log(`${tx.open.queueId}: client=${this.namaddr}`);
    }
    tx.recipients.push({ address: p.address, ...dsn });
    return reply(250, '2.1.5', 'Ok');
  }

  /** The address of MAIL FROM / RCPT TO, or the reply that refuses it (extract_addr()). */
  private pathArgument(args: string, keyword: 'FROM' | 'TO'): ParsedPath | SmtpReply {
    const mail = keyword === 'FROM';
    const p = parsePath(args, keyword);
    if (p === 'syntax') return reply(501, '5.5.4', `Syntax: ${mail ? 'MAIL FROM' : 'RCPT TO'}:<address>`);
    if (p === 'token' || this.illegalAddress(p, mail ? 'MAIL' : 'RCPT', mail)) {
      return mail ? reply(501, '5.1.7', 'Bad sender address syntax') : reply(501, '5.1.3', 'Bad recipient address syntax');
    }
    return p;
  }

  private async data(args: string): Promise<SmtpReply> {
    const tx = this.tx;
    if (!tx) return reply(503, '5.5.1', 'Error: need RCPT command');
    if (tx.recipients.length === 0) return reply(554, '5.5.1', 'Error: no valid recipients');
    if (args !== '') return reply(501, '5.5.4', 'Syntax: DATA');
    await this.send(plainReply(354, 'End data with <CR><LF>.<CR><LF>'));
    const content = await receiveContent(this.input, {
      timeoutMs: this.s.timeoutMs, messageSizeLimit: this.s.messageSizeLimit, bareLf: this.bareLf,
      tooBig: () => this.warn(`${tx.open?.queueId ?? 'NOQUEUE'}: queue file size limit exceeded`),
    });
    if ('interrupted' in content) return this.hangupInData(content.interrupted, content.size);
    this.where = 'END-OF-MESSAGE';
    if (content.bareLf) {
      this.logWhatsup('reject', 'bare <LF> received');
      await this.resetTransaction();
      return this.bareLfReply();
    }
    if (content.tooBig) {
      await this.resetTransaction();
      return reply(552, '5.3.4', 'Error: message file too big');
    }
    return this.queueMessage(tx, content.lines);
  }

  /** The client went away or timed out inside DATA: the transaction is dropped and the session ends. */
  private async hangupInData(why: 'eof' | 'timeout', size: number): Promise<never> {
    this.where = `DATA (${size} bytes)`;
    await this.resetTransaction();
    if (why === 'timeout') await this.send(this.timeoutReply());
    throw new HangupError(why === 'eof' ? 'lost connection' : 'timeout');
  }

  /** Hand the message, behind smtpd's Received: header, to cleanup; its answer is the reply. */
  private async queueMessage(tx: Transaction, lines: string[]): Promise<SmtpReply> {
    const open = tx.open!;
    const recipients = tx.recipients;
    const header = receivedHeader({
      heloName: this.heloName, clientName: this.name, clientAddr: this.addr, myhostname: this.s.myhostname,
      mailName: this.s.mailName, protocol: this.protocol, queueId: open.queueId,
      singleRecipient: recipients.length === 1 ? recipients[0]!.address : undefined, arrivalTime: tx.arrival,
    });
    const content = Buffer.from([...header, ...lines].join('\n') + '\n', 'latin1');
    let result: CleanupReply;
    try {
      result = await open.submit({
        source: 'smtpd', sender: tx.sender, recipients, content, arrivalTime: tx.arrival,
        attributes: queueFileAttributes({
          name: this.name, addr: this.addr, port: this.port, namaddr: this.namaddr, helo: this.heloName, protocol: this.protocol,
          serverAddr: this.socket.localAddress?.replace(/^::ffff:/i, '') ?? '', serverPort: this.socket.localPort ?? 0,
          localRewrite: this.s.localHeaderRewrite(this.addr),
        }, tx.params),
      });
    } catch (err) {
      // cleanup failed (a fault, not an answer): the client is told to try again.
      result = { status: CLEANUP_STAT.BAD, queueId: open.queueId, reason: `4.3.0 ${(err as Error).message}` };
    }
    tx.open = undefined;
    await this.resetTransaction();
    if (result.status === CLEANUP_STAT.OK) return reply(250, '2.0.0', `Ok: queued as ${result.queueId}`);
    if (result.reason && /^[45]\.\d/.test(result.reason)) return parseReply(`${result.reason.startsWith('5') ? 550 : 451} ${result.reason}`);
    return reply(451, '4.3.0', 'Error: queue file write error');
  }

  private async rset(args: string): Promise<SmtpReply> {
    if (args !== '') return reply(501, '5.5.4', 'Syntax: RSET');
    await this.resetTransaction();
    return reply(250, '2.0.0', 'Ok');
  }

  /** RFC 5321 allows (and Postfix ignores) a NOOP argument. */
  private async noop(): Promise<SmtpReply> {
    return reply(250, '2.0.0', 'Ok');
  }

  private async vrfy(args: string): Promise<SmtpReply> {
    if (this.s.disableVrfy) return reply(502, '5.5.1', 'VRFY command is disabled');
    let a = args;
    if (this.s.smtputf8Enable && /\s+SMTPUTF8$/i.test(a)) a = a.replace(/\s+SMTPUTF8$/i, '');
    if (a === '' || /^SMTPUTF8$/i.test(a)) return reply(501, '5.5.4', `Syntax: VRFY address${this.s.smtputf8Enable ? ' [SMTPUTF8]' : ''}`);
    const p = parseAddressArg(a.replace(/\s+/g, ' '));
    if (p === 'token' || this.illegalAddress(p, 'VRFY', false)) return reply(501, '5.1.3', 'Bad recipient address syntax');
    const rejected = await this.deps.checker.check({ clientAddr: this.addr, sender: this.tx?.senderInternal ?? '', recipient: p.internal });
    if (rejected) return this.reject('VRFY', parseReply(rejected.reply), { from: this.tx?.sender, to: p.address });
    return reply(252, '2.0.0', a);
  }

  private async etrn(args: string, flush: FlushClient): Promise<SmtpReply> {
    const st = { heloRequired: this.s.heloRequired, sawHelo: this.heloName !== undefined, inTransaction: this.tx !== undefined, namaddr: this.namaddr };
    const r = await etrnCommand(args, st, flush, (t) => this.warn(t));
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
  private reject(stage: string, r: SmtpReply, extra: { from?: string; to?: string }): SmtpReply {
    this.logReject(stage, replyText(r), extra);
    return r;
  }

  /** log_whatsup(): "QID: what: WHERE from name[addr]: text; from=<..> to=<..> proto=.. helo=<..>". */
  private logWhatsup(what: string, text: string): void {
    const last = this.tx?.recipients.at(-1);
    this.logReject(this.where, text, { from: this.tx?.sender, to: last?.address }, what);
  }

  private logReject(stage: string, reply: string, extra: { from?: string; to?: string }, what = 'reject'): void {
    const qid = this.tx?.open?.queueId ?? 'NOQUEUE';
    let text = `${qid}: ${what}: ${stage} from ${this.namaddr}: ${reply};`;
    if (extra.from !== undefined) text += ` from=<${extra.from}>`;
    if (extra.to !== undefined) text += ` to=<${extra.to}>`;
    text += ` proto=${this.protocol}`;
    if (this.heloName !== undefined) text += ` helo=<${this.heloName}>`;
    this.log(text);
  }

  /** extract_addr()'s checks after tokenizing; logs Postfix's warning when they fail. */
  private illegalAddress(p: ParsedPath, where: string, allowEmpty: boolean): boolean {
    if (!p.bad && (allowEmpty || p.address !== '')) return false;
    this.warn(`Illegal address syntax from ${this.namaddr} in ${where} command: ${p.token}`);
    return true;
  }

  private async resetTransaction(): Promise<void> {
    const open = this.tx?.open;
    this.tx = undefined;
    this.msgSize = 0;
    // Best-effort removal of the unfinished queue file (mode 0600: qmgr never takes it); what
    // cleanup cannot remove it leaves, as Postfix's cleanup does.
    if (open) await open.abort().catch(() => undefined);
  }
}

/** Thrown inside DATA when the client goes away; run() reports it as an abnormal end. */
class HangupError extends Error {}
