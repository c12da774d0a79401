/**
 * One SMTP server session of the sink: reads commands (pipelined groups included) and DATA
 * from a client socket, answers like a plain ESMTP server (RFC 5321, RFC 2920; LHLO gets the
 * RFC 2033 per-recipient replies after DATA), plays the scripted faults and records what
 * happened in a SinkConnection. Created by sink.ts for every accepted connection.
 *
 * Replies are queued and written when the input holds no further complete command, so a
 * pipelined group is answered as a group, as Postfix's smtpd does.
 */
import type net from 'node:net';
import tls from 'node:tls';
import { LineBuffer, chomp } from '../smtp/lines.ts';
import { formatReply } from '../smtp/reply.ts';
import type { FaultBook } from './faults.ts';
import type { SinkConnection, SinkTransaction, SmtpStage } from './types.ts';

export interface SessionContext {
  hostname: string;
  extensions: string[];
  /** Key and certificate when STARTTLS is offered. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  faults: FaultBook;
  /** A fresh queue ID for the "250 ... queued as ID" reply. */
  nextQueueId(): string;
  /** Called whenever the recorded state changed (a transaction ended, the connection closed). */
  changed(): void;
}

type Mode = 'command' | 'data' | 'closed';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SinkSession {
  private readonly input = new LineBuffer();
  private mode: Mode = 'command';
  private busy = true; // until the greeting is out
  private out: string[] = [];
  private greetingOk = true;
  private greeted = false;
  private tx: SinkTransaction | undefined;
  private dataLines: Buffer[] = [];
  private dataBytes = 0;
  private dropAt: number | undefined;
  private closingBy: 'client' | 'sink' | undefined;

  private readonly onData = (chunk: Buffer) => {
    this.input.push(chunk);
    void this.pump();
  };

  constructor(
    private socket: net.Socket,
    readonly conn: SinkConnection,
    private readonly ctx: SessionContext,
  ) {
    socket.on('data', this.onData);
    socket.on('error', () => undefined); // 'close' follows
    socket.on('close', () => this.closed());
  }

  /** Send the greeting (possibly slow or refused), then start reading commands. */
  async start(): Promise<void> {
    const reply = await this.answer('connect', [], `220 ${this.ctx.hostname} ESMTP twinpost-sink`);
    this.greetingOk = reply.startsWith('2');
    this.reply(reply);
    this.busy = false;
    this.flush();
    await this.pump();
  }

  /** Drop the connection from the sink's side. */
  drop(): void {
    this.closingBy ??= 'sink';
    this.socket.destroy();
  }

  private closed(): void {
    if (this.mode === 'closed' && this.conn.closedAt !== undefined) return;
    if (this.mode === 'data' && this.tx) {
      // The client went away mid-DATA: keep what arrived (complete lines, then the rest).
      const rest = this.input.take();
      this.tx.data = Buffer.concat([...this.dataLines, rest[0] === 0x2e ? rest.subarray(1) : rest]);
    }
    this.mode = 'closed';
    this.conn.closedBy = this.closingBy ?? 'client';
    this.conn.closedAt = Date.now();
    this.ctx.changed();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const batch = this.conn.commands.length;
    try {
      while (this.mode !== 'closed') {
        const progressed = this.mode === 'data' ? await this.dataStep() : await this.commandStep();
        if (!progressed) break;
      }
    } finally {
      this.busy = false;
      const arrived = this.conn.commands.slice(batch);
      if (arrived.length > 0) (this.conn.commandBatches ??= []).push(arrived);
    }
    this.flush();
  }

  /** Queue a reply; a 421 ends the session after it is written. */
  private reply(text: string): void {
    const announced = this.ctx.extensions.some((e) => e.toUpperCase() === 'ENHANCEDSTATUSCODES');
    const line = announced ? text : text.replace(/^(\d{3}[ -])[245]\.\d{1,3}\.\d{1,3} /, '$1');
    this.out.push(formatReply(line));
    if (line.startsWith('421')) {
      this.flush();
      this.closingBy ??= 'sink';
      this.mode = 'closed';
      this.socket.end();
    }
  }

  private flush(): void {
    if (this.out.length === 0 || this.socket.destroyed) return;
    this.socket.write(this.out.join(''));
    this.out = [];
  }

  /** Apply the stage's slow and reply faults; returns the reply to give. */
  private async answer(stage: SmtpStage, recipients: string[], normal: string): Promise<string> {
    const ms = this.ctx.faults.delay(stage, recipients);
    if (ms > 0) {
      this.flush();
      await delay(ms);
    }
    return this.ctx.faults.reply(stage, recipients) ?? normal;
  }

  private async commandStep(): Promise<boolean> {
    const raw = this.input.shiftLine();
    if (!raw) return false;
    const line = chomp(raw).toString('utf8');
    this.conn.commands.push(line);
    const space = line.indexOf(' ');
    const verb = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const arg = space < 0 ? '' : line.slice(space + 1).trim();
    if (!this.greetingOk && verb !== 'QUIT') {
      this.reply('503 5.5.0 Error: no valid greeting, only QUIT is accepted');
      return true;
    }
    switch (verb) {
      case 'EHLO':
      case 'HELO':
      case 'LHLO':
        await this.hello(verb, arg);
        break;
      case 'MAIL':
        await this.mail(arg);
        break;
      case 'RCPT':
        await this.rcpt(arg);
        break;
      case 'DATA':
        await this.data();
        break;
      case 'RSET': {
        const r = await this.answer('rset', [], '250 2.0.0 Ok');
        if (r.startsWith('2')) this.tx = undefined;
        this.reply(r);
        break;
      }
      case 'STARTTLS':
        this.starttls(arg);
        break;
      case 'NOOP':
        this.reply('250 2.0.0 Ok');
        break;
      case 'XFORWARD':
        await this.xforward();
        break;
      case 'QUIT': {
        const r = await this.answer('quit', [], '221 2.0.0 Bye');
        this.closingBy ??= 'client';
        this.reply(r);
        this.flush();
        this.mode = 'closed';
        this.socket.end();
        break;
      }
      default:
        this.reply('502 5.5.2 Error: command not recognized');
    }
    return true;
  }

  private async hello(verb: 'EHLO' | 'HELO' | 'LHLO', arg: string): Promise<void> {
    this.conn.helo = arg;
    this.conn.heloVerb = verb;
    if (!arg) return this.reply(`501 Syntax: ${verb} hostname`);
    const r = await this.answer('helo', [], '250');
    if (r !== '250') return this.reply(r);
    this.greeted = true;
    this.tx = undefined;
    const offerTls = this.ctx.tls && !this.conn.tlsProtocol ? ['STARTTLS'] : [];
    const lines = verb === 'HELO' ? [this.ctx.hostname] : [this.ctx.hostname, ...this.ctx.extensions, ...offerTls];
    this.reply(`250 ${lines.join('\n')}`);
  }

  /**
   * Postfix's XFORWARD (XFORWARD_README): accepted when the sink announces it (the attributes
   * are recorded as the command line), refused as unknown otherwise.
   */
  private async xforward(): Promise<void> {
    const announced = this.ctx.extensions.some((e) => /^XFORWARD(\s|$)/i.test(e));
    if (!announced) return this.reply('502 5.5.2 Error: command not recognized');
    if (!this.greeted) return this.reply('503 5.5.1 Error: send HELO/EHLO first');
    this.reply(await this.answer('xforward', [], '250 2.0.0 Ok'));
  }

  /** RFC 3207: 220, then TLS on the same socket; the session starts over (HELO needed again). */
  private starttls(arg: string): void {
    const keys = this.ctx.tls;
    if (!keys) return this.reply('502 5.5.2 Error: command not recognized');
    if (this.conn.tlsProtocol) return this.reply('503 5.5.1 Error: TLS already active');
    if (arg) return this.reply('501 5.5.4 Syntax: STARTTLS');
    this.reply('220 2.0.0 Ready to start TLS');
    this.flush();
    this.input.take(); // anything pipelined after STARTTLS was sent in clear text: ignore it
    const plain = this.socket;
    plain.off('data', this.onData);
    const secure = new tls.TLSSocket(plain, { isServer: true, key: keys.key, cert: keys.cert });
    secure.on('error', () => plain.destroy());
    secure.once('secure', () => (this.conn.tlsProtocol = secure.getProtocol() ?? 'TLS'));
    secure.on('data', this.onData);
    this.socket = secure;
    this.greeted = false;
    this.tx = undefined;
  }

  private async mail(arg: string): Promise<void> {
    if (!this.greeted) return this.reply('503 5.5.1 Error: send HELO/EHLO first');
    if (this.tx) return this.reply('503 5.5.1 Error: nested MAIL command');
    const parsed = parsePath(arg, 'FROM');
    if (!parsed) return this.reply('501 5.5.4 Syntax: MAIL FROM:<address>');
    const tx: SinkTransaction = {
      mailFrom: parsed.address,
      mailParams: parsed.params,
      rcptTo: [],
      rejectedRcpts: [],
      accepted: false,
      startedAt: Date.now(),
    };
    this.conn.transactions.push(tx);
    const r = await this.answer('mail', [], this.sizeCheck(parsed.params) ?? '250 2.1.0 Ok');
    if (r.startsWith('2')) this.tx = tx;
    this.reply(r);
  }

  private sizeCheck(params: string[]): string | undefined {
    const limit = this.ctx.extensions.map((e) => /^SIZE\s+(\d+)$/i.exec(e)).find(Boolean)?.[1];
    const size = params.map((p) => /^SIZE=(\d+)$/i.exec(p)).find(Boolean)?.[1];
    if (limit && size && Number(limit) > 0 && Number(size) > Number(limit)) {
      return '552 5.3.4 Message size exceeds fixed limit';
    }
    return undefined;
  }

  private async rcpt(arg: string): Promise<void> {
    const tx = this.tx;
    if (!tx) return this.reply('503 5.5.1 Error: need MAIL command');
    const parsed = parsePath(arg, 'TO');
    if (!parsed) return this.reply('501 5.5.4 Syntax: RCPT TO:<address>');
    const r = await this.answer('rcpt', [parsed.address], '250 2.1.5 Ok');
    if (r.startsWith('2')) tx.rcptTo.push(parsed.address);
    else tx.rejectedRcpts.push({ address: parsed.address, reply: r });
    this.reply(r);
  }

  private async data(): Promise<void> {
    const tx = this.tx;
    if (!tx) return this.reply('503 5.5.1 Error: need RCPT command');
    if (tx.rcptTo.length === 0) return this.reply('554 5.5.1 Error: no valid recipients');
    const r = await this.answer('data', tx.rcptTo, '354 End data with <CR><LF>.<CR><LF>');
    if (!r.startsWith('354')) {
      if (!r.startsWith('2')) this.tx = undefined;
      return this.reply(r);
    }
    this.reply(r);
    this.mode = 'data';
    this.dataLines = [];
    this.dataBytes = 0;
    this.dropAt = this.ctx.faults.dropAfter();
  }

  /** Consume message data; returns false when more input is needed. */
  private async dataStep(): Promise<boolean> {
    if (this.dropAt !== undefined && this.dataBytes + this.input.length >= this.dropAt) {
      this.dataLines.push(this.input.take(this.dropAt - this.dataBytes));
      this.dropMidData();
      return false;
    }
    const line = this.input.shiftLine();
    if (!line) return false;
    this.dataBytes += line.length;
    const text = line.toString('latin1');
    if (text === '.\r\n' || text === '.\n') {
      if (this.dropAt !== undefined) {
        this.dropMidData();
        return false;
      }
      await this.endOfData();
      return true;
    }
    this.dataLines.push(line[0] === 0x2e ? line.subarray(1) : line);
    return true;
  }

  private dropMidData(): void {
    if (this.tx) this.tx.data = Buffer.concat(this.dataLines);
    this.tx = undefined;
    this.flush();
    this.drop();
    this.ctx.changed();
  }

  private async endOfData(): Promise<void> {
    const tx = this.tx!;
    this.tx = undefined;
    this.mode = 'command';
    tx.data = Buffer.concat(this.dataLines);
    this.dataLines = [];
    const perRecipient = this.conn.heloVerb === 'LHLO' ? tx.rcptTo.map((r) => [r]) : [tx.rcptTo];
    const replies: string[] = [];
    for (const recipients of perRecipient) {
      replies.push(await this.answer('dot', recipients, `250 2.0.0 Ok: queued as ${this.ctx.nextQueueId()}`));
    }
    tx.dataReply = replies[0];
    tx.accepted = replies.some((r) => r.startsWith('2'));
    tx.endedAt = Date.now();
    for (const r of replies) this.reply(r);
    this.ctx.changed();
  }
}

/** Parse "FROM:<addr> PARAM..." / "TO:<addr> PARAM..." (a space after the colon and missing brackets are tolerated). */
export function parsePath(arg: string, keyword: 'FROM' | 'TO'): { address: string; params: string[] } | undefined {
  const m = new RegExp(`^${keyword}:\\s*(?:<([^>]*)>|(\\S+))\\s*(.*)$`, 'i').exec(arg);
  if (!m) return undefined;
  const params = m[3].trim() ? m[3].trim().split(/\s+/) : [];
  return { address: m[1] ?? m[2], params };
}
