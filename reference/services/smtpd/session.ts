/**
 * One smtpd(8) SMTP session: the command loop of smtpd_proto() for a connected client.
 *
 * Commands: HELO, EHLO, MAIL (SIZE, BODY, SMTPUTF8, RET, ENVID), RCPT (NOTIFY, ORCPT), DATA,
 * RSET, NOOP, VRFY, QUIT; anything else is "500 5.5.2 Error: command not recognized", and a
 * header-like or forbidden verb ends the session ("221 2.7.0 Error: I can break rules, too.
 * Goodbye."). Recipients are checked by restrictions.ts; accepted mail goes to cleanup
 * (CleanupClient) with smtpd's own Received: header in front. Logging follows smtpd.c:
 * "connect from", "QID: client=", "reject: ...", "improper command pipelining after ...",
 * "request longer than ...", "lost connection after ...", "disconnect from ... <counts>".
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
import { dsnNotifyMask } from '../../global/dsn-mask.ts';

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

/** Postfix's command table order: it is also the order of the counts in "disconnect from". */
const COMMANDS = ['HELO', 'EHLO', 'XCLIENT', 'XFORWARD', 'STARTTLS', 'AUTH', 'MAIL', 'RCPT', 'DATA', 'BDAT', 'RSET', 'NOOP', 'VRFY', 'ETRN', 'QUIT'] as const;
/** Commands after which pending client input counts as improper pipelining. */
const LAST_IN_GROUP = new Set(['HELO', 'EHLO', 'DATA', 'NOOP', 'VRFY']);
/** Commands that count toward smtpd_junk_command_limit. */
const JUNK_LIMITED = new Set(['HELO', 'EHLO', 'RSET', 'NOOP', 'VRFY', 'ETRN']);

type Handler = (args: string) => Promise<boolean>;

interface Transaction {
  /** External form (for cleanup and log lines); `senderInternal` (quotes removed) is what replies and checks use, as in Postfix. */
  sender: string;
  senderInternal: string;
  arrival: number;
  params: { ret?: string; envid?: string; body?: string; smtputf8?: boolean };
  recipients: { address: string; dsnNotify?: number; dsnOrcpt?: string }[];
  open?: Awaited<ReturnType<CleanupClient['open']>>;
}

export class SmtpdSession {
  private readonly s: SmtpdSettings;
  private readonly input: LineStream;
  private readonly now: () => number;
  private name = 'unknown';
  private addr: string;
  private port: number;
  private helo?: string;
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
  private hangup = false;
  private readonly counts = new Map<string, { ok: number; total: number }>();
  private anvilSession?: AnvilSession;

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

  private async reply(text: string): Promise<void> {
    if (/^[45]/.test(text) && this.errorCount >= this.s.softErrorLimit && this.s.errorSleepMs > 0) {
      await new Promise((r) => setTimeout(r, this.s.errorSleepMs));
    }
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(text.replace(/\n/g, '\r\n') + '\r\n');
  }

  /** Run the session to the end; never throws. */
  async run(): Promise<void> {
    try {
      this.name = await this.deps.clientName(this.addr);
      this.bareLf = this.s.bareNewlineExcluded(this.addr) ? 'no' : this.s.forbidBareNewline;
      this.log(`connect from ${this.namaddr}`);
      const limit = this.deps.limits ? checkConnectLimits(this.deps.limits, this.addr, this.namaddr) : {};
      this.anvilSession = limit.session;
      if (limit.refuse) {
        this.deps.logger.warning(this.s.logService, limit.refuse.warning);
        await this.reply(limit.refuse.reply);
        return;
      }
      await this.reply(`220 ${this.s.smtpdBanner}`);
      let reason: string | undefined;
      try {
        reason = await this.loop();
      } catch (err) {
        if (!(err instanceof HangupError)) throw err;
        reason = err.message;
      }
      if (reason) this.log(`${reason} after ${this.where} from ${this.namaddr}`);
    } catch (err) {
      this.deps.logger.warning(this.s.logService, `${this.namaddr}: ${(err as Error).message}`);
    } finally {
      await this.resetTransaction();
      this.anvilSession?.close();
      this.log(`disconnect from ${this.namaddr}${this.countText()}`);
      this.socket.end();
    }
  }

  private countText(): string {
    let text = '';
    let ok = 0;
    let total = 0;
    for (const name of [...COMMANDS, 'UNKNOWN']) {
      const c = this.counts.get(name);
      if (!c || c.total === 0) continue;
      text += ` ${name.toLowerCase()}=${c.ok === c.total ? c.total : `${c.ok}/${c.total}`}`;
      ok += c.ok;
      total += c.total;
    }
    // smtpd_format_cmd_stats(): "/total" also when no command came at all ("commands=0/0")
    return `${text} commands=${ok === total && total > 0 ? total : `${ok}/${total}`}`;
  }

  private count(name: string, ok: boolean): void {
    const c = this.counts.get(name) ?? { ok: 0, total: 0 };
    c.total++;
    if (ok) c.ok++;
    this.counts.set(name, c);
  }

  /** The command loop; returns an abnormal-termination reason or undefined. */
  private async loop(): Promise<string | undefined> {
    for (;;) {
      if (this.hangup) return undefined;
      if (this.errorCount >= this.s.hardErrorLimit) {
        await this.reply(`421 4.7.0 ${this.s.myhostname} Error: too many errors`);
        return 'too many errors';
      }
      const got = await this.input.readLine(this.s.lineLengthLimit, this.s.timeoutMs);
      if (got === 'eof') return 'lost connection';
      if (got === 'timeout') {
        await this.reply(`421 4.4.2 ${this.s.myhostname} Error: timeout exceeded`);
        return 'timeout';
      }
      if (got.bareLf && this.bareLf === 'reject') {
        this.logWhatsup('reject', 'bare <LF> received');
        await this.reply(`${this.s.forbidBareNewlineRejectCode} 5.5.2 ${this.s.myhostname} Error: bare <LF> received`);
        return undefined;
      }
      if (got.overflow) {
        this.deps.logger.warning(this.s.logService, `${this.namaddr}: request longer than ${this.s.lineLengthLimit}: ${got.text.slice(0, 30)}...`);
      }
      const line = got.text;
      const trimmed = line.replace(/^[ \t]+/, '');
      const verbMatch = /^(\S+)(?:[ \t]+(.*))?$/.exec(trimmed);
      if (!verbMatch) {
        await this.reply('500 5.5.2 Error: bad syntax');
        this.errorCount++;
        continue;
      }
      const verb = verbMatch[1];
      const args = (verbMatch[2] ?? '').replace(/[ \t]+$/, '');
      const upper = verb.toUpperCase();
      const known = (COMMANDS as readonly string[]).includes(upper);
      if (!known) {
        this.where = 'UNKNOWN';
        if (isHeaderToken(verb) || isForbiddenCommand(verb, this.s.forbiddenCommands)) {
          this.count('UNKNOWN', false);
          this.deps.logger.warning(this.s.logService, `non-SMTP command from ${this.namaddr}: ${escapeBytes(line).slice(0, 100)}`);
          await this.reply('221 2.7.0 Error: I can break rules, too. Goodbye.');
          return undefined;
        }
        this.count('UNKNOWN', false);
        await this.reply('500 5.5.2 Error: command not recognized');
        this.errorCount++;
        continue;
      }
      this.where = upper;
      if ((this.protocol !== 'ESMTP' || LAST_IN_GROUP.has(upper)) && !this.illPipelining && this.input.pending().length > 0) {
        this.illPipelining = true;
        this.log(`improper command pipelining after ${upper} from ${this.namaddr}: ${escapeBytes(this.input.pending().slice(0, 100))}`);
        if (this.s.forbidUnauthPipelining) {
          await this.reply('554 5.5.0 Error: SMTP protocol synchronization');
          return undefined;
        }
      }
      let ok: boolean;
      try {
        ok = await this.handler(upper)(args);
      } catch (err) {
        this.count(upper, false); // a client lost inside a command still counts it
        throw err;
      }
      this.count(upper, ok);
      if (!ok) this.errorCount++;
      if (JUNK_LIMITED.has(upper) && this.junk++ > this.s.junkCommandLimit) this.errorCount++;
      if (upper === 'QUIT') return undefined;
    }
  }

  private handler(verb: string): Handler {
    switch (verb) {
      case 'HELO': return (a) => this.helo_(a, false);
      case 'EHLO': return (a) => this.helo_(a, true);
      case 'MAIL': return (a) => this.mail(a);
      case 'RCPT': return (a) => this.rcpt(a);
      case 'DATA': return (a) => this.data(a);
      case 'RSET': return (a) => this.simple(a, 'RSET', async () => this.resetTransaction());
      case 'NOOP': return async () => {
        // RFC 5321 allows (and Postfix ignores) a NOOP argument.
        await this.reply('250 2.0.0 Ok');
        return true;
      };
      case 'VRFY': return (a) => this.vrfy(a);
      case 'ETRN': if (!this.deps.flush) break;
        return async (a) => {
          const st = { heloRequired: this.s.heloRequired, sawHelo: this.helo !== undefined, inTransaction: this.tx !== undefined, namaddr: this.namaddr };
          const r = await etrnCommand(a, st, this.deps.flush!, (t) => this.deps.logger.warning(this.s.logService, t));
          await this.reply(r.reply);
          return r.ok;
        };
      case 'XCLIENT':
      case 'XFORWARD': return (a) => this.xclient(verb, a);
      case 'AUTH': return async () => {
        await this.reply('503 5.5.1 Error: authentication not enabled');
        return false;
      };
      case 'QUIT': return async () => {
        await this.reply('221 2.0.0 Bye');
        return true;
      };
    }
    return async () => {
      await this.reply('502 5.5.1 Error: command not implemented');
      return false;
    };
  }

  private async simple(args: string, verb: string, action: () => Promise<void>): Promise<boolean> {
    if (args !== '') {
      await this.reply(`501 5.5.4 Syntax: ${verb}`);
      return false;
    }
    await action();
    await this.reply('250 2.0.0 Ok');
    return true;
  }

  private async helo_(args: string, extended: boolean): Promise<boolean> {
    if (args === '') {
      await this.reply(`501 Syntax: ${extended ? 'EHLO' : 'HELO'} hostname`);
      return false;
    }
    await this.resetTransaction();
    this.helo = args.replace(/\s+/g, ' ');
    this.protocol = extended ? 'ESMTP' : 'SMTP';
    if (!extended) {
      await this.reply(`250 ${this.s.myhostname}`);
      return true;
    }
    const words = ['PIPELINING'];
    if (this.s.messageSizeLimit > 0) words.push(`SIZE ${this.s.messageSizeLimit}`);
    else words.push('SIZE');
    if (!this.s.disableVrfy) words.push('VRFY');
    words.push('ETRN', 'ENHANCEDSTATUSCODES', '8BITMIME', 'DSN');
    if (this.s.smtputf8Enable) words.push('SMTPUTF8');
    words.push('CHUNKING');
    const lines = [this.s.myhostname, ...words];
    await this.reply(lines.map((l, i) => `250${i === lines.length - 1 ? ' ' : '-'}${l}`).join('\n'));
    return true;
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
    if (this.helo !== undefined) text += ` helo=<${this.helo}>`;
    this.log(text);
  }

  /** extract_addr()'s checks after tokenizing; logs Postfix's warning when they fail. */
  private illegalAddress(p: ParsedPath, where: string, allowEmpty: boolean): boolean {
    if (!p.bad && (allowEmpty || p.address !== '')) return false;
    this.deps.logger.warning(this.s.logService, `Illegal address syntax from ${this.namaddr} in ${where} command: ${p.token}`);
    return true;
  }

  private async mail(args: string): Promise<boolean> {
    if (this.s.heloRequired && this.helo === undefined) {
      await this.reply('503 5.5.1 Error: send HELO/EHLO first');
      return false;
    }
    if (this.tx) {
      await this.reply('503 5.5.1 Error: nested MAIL command');
      return false;
    }
    const p = parsePath(args, 'FROM');
    if (p === 'syntax') {
      await this.reply('501 5.5.4 Syntax: MAIL FROM:<address>');
      return false;
    }
    if (p === 'token' || this.illegalAddress(p, 'MAIL', true)) {
      await this.reply('501 5.1.7 Bad sender address syntax');
      return false;
    }
    const params: Transaction['params'] = {};
    for (const param of p.params) {
      const up = param.toUpperCase();
      if (up === 'BODY=8BITMIME' || up === 'BODY=7BIT') params.body = up.slice(5);
      else if (up.startsWith('SIZE=')) {
        if (!/^\d+$/.test(param.slice(5))) {
          await this.reply('501 5.5.4 Bad message size syntax');
          return false;
        }
        this.msgSize = Number(param.slice(5));
      } else if (up === 'SMTPUTF8' && this.s.smtputf8Enable) params.smtputf8 = true;
      else if (up.startsWith('RET=') && (up === 'RET=FULL' || up === 'RET=HDRS') && !params.ret) params.ret = up.slice(4);
      else if (up.startsWith('ENVID=') && !params.envid) params.envid = param.slice(6);
      else {
        await this.reply(`555 5.5.4 Unsupported option: ${param}`);
        return false;
      }
    }
    if (this.s.messageSizeLimit > 0 && this.msgSize > this.s.messageSizeLimit) {
      const reply = '552 5.3.4 Message size exceeds fixed limit';
      this.logReject('MAIL', reply, { from: p.address });
      await this.reply(reply);
      return false;
    }
    this.tx = { sender: p.address, senderInternal: p.internal, arrival: this.now(), params, recipients: [] };
    await this.reply('250 2.1.0 Ok');
    return true;
  }

  private async rcpt(args: string): Promise<boolean> {
    const tx = this.tx;
    if (!tx) {
      await this.reply('503 5.5.1 Error: need MAIL command');
      return false;
    }
    const p = parsePath(args, 'TO');
    if (p === 'syntax') {
      await this.reply('501 5.5.4 Syntax: RCPT TO:<address>');
      return false;
    }
    if (p === 'token' || this.illegalAddress(p, 'RCPT', false)) {
      await this.reply('501 5.1.3 Bad recipient address syntax');
      return false;
    }
    const rcpt: Transaction['recipients'][number] = { address: p.address, dsnOrcpt: `rfc822;${p.address}` };
    let orcptGiven = false;
    for (const param of p.params) {
      const up = param.toUpperCase();
      if (up.startsWith('NOTIFY=') && rcpt.dsnNotify === undefined) {
        const mask = dsnNotifyMask(up.slice(7).split(','));
        if (mask === 0) {
          await this.reply(`501 5.5.4 Error: Bad NOTIFY parameter syntax`);
          return false;
        }
        rcpt.dsnNotify = mask;
      } else if (up.startsWith('ORCPT=') && !orcptGiven) {
        orcptGiven = true;
        rcpt.dsnOrcpt = param.slice(6);
      } else {
        await this.reply(`555 5.5.4 Unsupported option: ${param}`);
        return false;
      }
    }
    if (this.s.recipientLimit > 0 && tx.recipients.length >= this.s.recipientLimit) {
      await this.reply('452 4.5.3 Error: too many recipients');
      return false;
    }
    const rejected = await this.deps.checker.check({ clientAddr: this.addr, sender: tx.senderInternal, recipient: p.internal });
    if (rejected) {
      this.logReject('RCPT', rejected.reply, { from: tx.sender, to: p.address });
      await this.reply(rejected.reply);
      return false;
    }
    if (!tx.open) {
      tx.open = await this.deps.cleanup.open('smtpd');
      this.log(`${tx.open.queueId}: client=${this.namaddr}`);
    }
    tx.recipients.push(rcpt);
    await this.reply('250 2.1.5 Ok');
    return true;
  }

  private async vrfy(args: string): Promise<boolean> {
    if (this.s.disableVrfy) {
      await this.reply('502 5.5.1 VRFY command is disabled');
      return false;
    }
    let a = args;
    if (this.s.smtputf8Enable && /\s+SMTPUTF8$/i.test(a)) a = a.replace(/\s+SMTPUTF8$/i, '');
    if (a === '' || /^SMTPUTF8$/i.test(a)) {
      await this.reply(`501 5.5.4 Syntax: VRFY address${this.s.smtputf8Enable ? ' [SMTPUTF8]' : ''}`);
      return false;
    }
    const p = parseAddressArg(a.replace(/\s+/g, ' '));
    const address = p === 'token' ? '' : p.internal;
    if (p === 'token' || this.illegalAddress(p, 'VRFY', false)) {
      await this.reply('501 5.1.3 Bad recipient address syntax');
      return false;
    }
    const rejected = await this.deps.checker.check({ clientAddr: this.addr, sender: this.tx?.senderInternal ?? '', recipient: address });
    if (rejected) {
      this.logReject('VRFY', rejected.reply, { from: this.tx?.sender, to: p.address });
      await this.reply(rejected.reply);
      return false;
    }
    await this.reply(`252 2.0.0 ${a}`);
    return true;
  }

  /** XCLIENT / XFORWARD: no client is authorized (smtpd_authorized_*_hosts are empty). */
  private async xclient(verb: string, args: string): Promise<boolean> {
    if (this.tx) await this.reply('503 5.5.1 Error: MAIL transaction in progress');
    else if (args === '') await this.reply(`501 5.5.4 Syntax: ${verb.toUpperCase()} attribute=value...`);
    else await this.reply('550 5.7.0 Error: insufficient authorization');
    return false;
  }

  private async data(args: string): Promise<boolean> {
    const tx = this.tx;
    if (!tx || tx.recipients.length === 0) {
      await this.reply(tx ? '554 5.5.1 Error: no valid recipients' : '503 5.5.1 Error: need RCPT command');
      return false;
    }
    if (args !== '') {
      await this.reply('501 5.5.4 Syntax: DATA');
      return false;
    }
    await this.reply('354 End data with <CR><LF>.<CR><LF>');
    const lines: string[] = [];
    let size = 0;
    let tooBig = false;
    let bareLfSeen = false;
    let prevBareLf = false;
    for (let first = true; ; first = false) {
      const got = await this.input.readLine(0, this.s.timeoutMs);
      if (got === 'eof' || got === 'timeout') {
        this.where = `DATA (${size} bytes)`;
        await this.resetTransaction();
        this.hangup = true;
        if (got === 'timeout') await this.reply(`421 4.4.2 ${this.s.myhostname} Error: timeout exceeded`);
        throw new HangupError(got === 'eof' ? 'lost connection' : 'timeout');
      }
      const wasBare = prevBareLf;
      prevBareLf = got.bareLf;
      if (got.bareLf && this.bareLf === 'reject') bareLfSeen = true;
      let text = got.text;
      if (first && /^>*From /.test(text)) {
        // A UNIX-style From_ line at the start becomes a header, as sendmail allows.
        lines.push(`X-Mailbox-Line: ${text}`);
        continue;
      }
      if (first && /^[ \t]/.test(text)) lines.push(''); // keep it out of our Received: header
      if (text.startsWith('.')) {
        // With bare-newline protection only CRLF.CRLF ends the message; other dots are dropped.
        if (text === '.' && this.bareLf !== 'no' && (got.bareLf || wasBare)) continue;
        text = text.slice(1);
        if (text === '') break;
      }
      if (tooBig) continue;
      if (this.s.messageSizeLimit > 0 && this.s.messageSizeLimit - size < text.length + 2) {
        tooBig = true;
        this.deps.logger.warning(this.s.logService, `${tx.open?.queueId ?? 'NOQUEUE'}: queue file size limit exceeded`);
        continue;
      }
      size += text.length + 2;
      lines.push(text);
    }
    this.where = 'END-OF-MESSAGE';
    const open = tx.open!;
    const recipients = tx.recipients;
    if (tooBig || bareLfSeen) {
      if (bareLfSeen) this.logWhatsup('reject', 'bare <LF> received');
      await this.resetTransaction();
      await this.reply(bareLfSeen
        ? `${this.s.forbidBareNewlineRejectCode} 5.5.2 ${this.s.myhostname} Error: bare <LF> received`
        : '552 5.3.4 Error: message file too big');
      return false;
    }
    const header = receivedHeader({
      heloName: this.helo, clientName: this.name, clientAddr: this.addr, myhostname: this.s.myhostname,
      mailName: this.s.mailName, protocol: this.protocol, queueId: open.queueId,
      singleRecipient: recipients.length === 1 ? recipients[0].address : undefined, arrivalTime: tx.arrival,
    });
    const content = Buffer.from([...header, ...lines].join('\n') + '\n', 'latin1');
    let result: CleanupReply;
    try {
      result = await open.submit({
        source: 'smtpd', sender: tx.sender, recipients, content, arrivalTime: tx.arrival,
        attributes: this.attributes(tx),
      });
    } catch (err) {
      result = { status: CLEANUP_STAT.BAD, queueId: open.queueId, reason: `4.3.0 ${(err as Error).message}` };
    }
    tx.open = undefined;
    await this.resetTransaction();
    if (result.status === CLEANUP_STAT.OK) {
      await this.reply(`250 2.0.0 Ok: queued as ${result.queueId}`);
      return true;
    }
    await this.reply(result.reason && /^[45]\.\d/.test(result.reason) ? `${result.reason.startsWith('5') ? 550 : 451} ${result.reason}` : '451 4.3.0 Error: queue file write error');
    return false;
  }

  /** Queue-file attributes in the order Postfix's smtpd writes them. */
  private attributes(tx: Transaction): Record<string, string> {
    const a: Record<string, string> = {
      log_client_name: this.name, log_client_address: this.addr, log_client_port: String(this.port),
      log_message_origin: this.namaddr,
    };
    if (this.helo !== undefined) a.log_helo_name = this.helo;
    Object.assign(a, {
      log_protocol_name: this.protocol, client_name: this.name, reverse_client_name: this.name,
      client_address: this.addr, client_port: String(this.port),
      server_address: this.socket.localAddress?.replace(/^::ffff:/i, '') ?? '', server_port: String(this.socket.localPort ?? 0),
    });
    if (this.helo !== undefined) a.helo_name = this.helo;
    a.protocol_name = this.protocol;
    // The address family as a number, as smtpd writes it: AF_INET (2) or AF_INET6 (10 on Linux).
    a.client_address_type = this.addr.includes(':') ? '10' : '2';
    a.rewrite_context = this.s.localHeaderRewrite(this.addr) ? 'local' : 'remote';
    if (tx.params.envid) a.envelope_id = tx.params.envid;
    if (tx.params.ret) a.ret_flags = tx.params.ret === 'FULL' ? '1' : '2';
    if (tx.params.body) a.encoding = tx.params.body === '8BITMIME' ? '8bit' : '7bit';
    return a;
  }

  private async resetTransaction(): Promise<void> {
    const open = this.tx?.open;
    this.tx = undefined;
    this.msgSize = 0;
    if (open) await open.abort().catch(() => undefined);
  }
}

/** Thrown inside DATA when the client goes away; run() reports it as an abnormal end. */
class HangupError extends Error {}
