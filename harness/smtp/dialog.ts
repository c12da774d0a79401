/**
 * SmtpDialog: a raw SMTP client for tests. It writes exactly the bytes it is given, can
 * pipeline a group of commands in one write, parses (multi-line) replies, upgrades with
 * STARTTLS, and keeps a transcript. Used by specs to talk to smtpd of a target and by the
 * sink's tests to play clients. Protocol: RFC 5321, RFC 2920 (pipelining), RFC 3207 (STARTTLS).
 */
import net from 'node:net';
import tls from 'node:tls';
import { ReplyParser, SmtpProtocolError, type Reply } from './reply.ts';
import { encodeData, toBytes } from './data.ts';

export interface ConnectOptions {
  host: string;
  port: number;
  /** Default timeout for connecting and for each reply; default 10 s. */
  timeoutMs?: number;
  /** Local address to connect from (127.0.0.x), to look like a distinct client. */
  localAddress?: string;
  /** Bytes written as soon as the connection is up, before the greeting is read (a client that talks first). */
  preGreeting?: string | Buffer;
}

export interface TranscriptEntry {
  dir: 'C' | 'S';
  text: string;
}

export interface DataOptions {
  /** Send the content exactly as given (no CRLF normalisation, no dot-stuffing). */
  raw?: boolean;
  /** What ends the content; default ".\r\n". `false` sends no terminator. */
  terminator?: string | false;
  timeoutMs?: number;
}

/** No reply arrived in time. */
export class SmtpTimeoutError extends Error {
  constructor(readonly waitingFor: string, readonly timeoutMs: number) {
    super(`SMTP timeout: no reply to ${waitingFor} within ${timeoutMs} ms`);
    this.name = 'SmtpTimeoutError';
  }
}

/** The server closed the connection while a reply was awaited (or before a write). */
export class SmtpClosedError extends Error {
  readonly closed = true;
  constructor(readonly waitingFor: string, readonly partial: string) {
    super(
      `SMTP connection closed by the server while waiting for the reply to ${waitingFor}` +
        (partial ? ` (partial reply: ${JSON.stringify(partial)})` : ''),
    );
    this.name = 'SmtpClosedError';
  }
}

interface Waiter {
  label: string;
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const CRLF = '\r\n';

/** Resolves on `event`, rejects on the socket's error or after `timeoutMs`. */
function socketEvent(socket: net.Socket, event: string, timeoutMs: number, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      socket.off(event, onEvent);
      socket.off('error', done);
      if (err) reject(err);
      else resolve();
    };
    const onEvent = () => done();
    const timer = setTimeout(() => done(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, onEvent);
    socket.once('error', done);
  });
}

/** Mark a promise as handled (its rejection still reaches whoever awaits it later). */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

export class SmtpDialog {
  /** The server's greeting (220 or otherwise). */
  greeting!: Reply;
  /** Everything sent (C) and received (S), in order. */
  readonly transcript: TranscriptEntry[] = [];
  /** Resolves when the connection has closed, whoever closed it. */
  readonly closed: Promise<void>;
  /**
   * When the server closed its side (FIN or reset): the transcript's length at that moment,
   * i.e. the close came after transcript[serverClosedAt - 1]. Undefined while it has not.
   */
  serverClosedAt?: number;

  private socket: net.Socket;
  private readonly parser = new ReplyParser();
  private readonly waiters: Waiter[] = [];
  private isClosed = false;
  private markClosed!: () => void;
  private readonly timeoutMs: number;
  private readonly onData = (chunk: Buffer) => this.received(chunk);
  private readonly onClose = () => this.socketClosed();
  private readonly onEnd = () => {
    this.serverClosedAt ??= this.transcript.length;
  };
  private readonly onError = (err: NodeJS.ErrnoException) => {
    /* 'close' follows every error; the waiters are rejected there. A reset is the server closing. */
    if (err.code === 'ECONNRESET') this.onEnd();
  };

  private constructor(socket: net.Socket, timeoutMs: number) {
    this.socket = socket;
    this.timeoutMs = timeoutMs;
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
    this.attach(socket);
  }

  /** Connect and read the greeting. Rejects on connection refused or timeout. */
  static async connect(opts: ConnectOptions): Promise<SmtpDialog> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const socket = net.connect({ host: opts.host, port: opts.port, localAddress: opts.localAddress });
    const dialog = new SmtpDialog(socket, timeoutMs);
    await socketEvent(socket, 'connect', timeoutMs, `SMTP connect to ${opts.host}:${opts.port}`).catch((err: unknown) => {
      socket.destroy();
      throw err;
    });
    try {
      if (opts.preGreeting !== undefined) await dialog.send(opts.preGreeting, 'input before the greeting');
      dialog.greeting = await dialog.readReply(timeoutMs, 'the greeting');
    } catch (err) {
      socket.destroy();
      throw err;
    }
    return dialog;
  }

  /** True once the connection is closed. */
  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** True after a successful STARTTLS. */
  get secure(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  /** The underlying socket (a TLSSocket after STARTTLS), e.g. for the local port or the peer certificate. */
  get rawSocket(): net.Socket {
    return this.socket;
  }

  /** Write bytes exactly as given (bare LF, NUL, long lines: all untouched). */
  send(bytes: string | Buffer, label = 'raw data'): Promise<void> {
    const buf = toBytes(bytes);
    return this.write(buf, label, [buf.toString('latin1')]);
  }

  private write(buf: Buffer, label: string, shown: string[]): Promise<void> {
    for (const text of shown) this.transcript.push({ dir: 'C', text });
    if (this.isClosed) return Promise.reject(new SmtpClosedError(label, ''));
    return new Promise((resolve, reject) => {
      this.socket.write(buf, (err) => (err ? reject(new SmtpClosedError(label, '')) : resolve()));
    });
  }

  /** Send one command line (CRLF appended) and wait for its reply. */
  async command(line: string, timeoutMs?: number): Promise<Reply> {
    const reply = handled(this.readReply(timeoutMs, JSON.stringify(line)));
    await this.write(Buffer.from(line + CRLF, 'utf8'), JSON.stringify(line), [line]).catch(() => undefined);
    return reply;
  }

  /** Write all command lines in one write, then read one reply per command, in order. */
  async pipeline(lines: string[], timeoutMs?: number): Promise<Reply[]> {
    const pending = lines.map((l) => handled(this.readReply(timeoutMs, JSON.stringify(l))));
    const group = Buffer.from(lines.map((l) => l + CRLF).join(''), 'utf8');
    await this.write(group, 'a pipelined group', lines).catch(() => undefined);
    const results = await Promise.allSettled(pending);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return results.map((r) => (r as PromiseFulfilledResult<Reply>).value);
  }

  /** Wait for the next reply from the server. */
  readReply(timeoutMs?: number, waitingFor = 'a reply'): Promise<Reply> {
    const ready = this.parser.shift();
    if (ready) return ready instanceof SmtpProtocolError ? Promise.reject(ready) : Promise.resolve(ready);
    if (this.isClosed) return Promise.reject(new SmtpClosedError(waitingFor, this.parser.partial()));
    const ms = timeoutMs ?? this.timeoutMs;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        label: waitingFor,
        resolve,
        reject,
        timer: setTimeout(() => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          reject(new SmtpTimeoutError(waitingFor, ms));
        }, ms),
      };
      this.waiters.push(waiter);
    });
  }

  /** DATA, then (on 354) the content and the terminator; returns the final reply (or the refusal of DATA). */
  async data(message: string | Buffer, opts: DataOptions = {}): Promise<Reply> {
    const go = await this.command('DATA', opts.timeoutMs);
    if (go.code !== 354) return go;
    return this.sendData(message, opts);
  }

  /** The content and terminator only, for when DATA was already sent (e.g. in a pipeline). */
  async sendData(message: string | Buffer, opts: DataOptions = {}): Promise<Reply> {
    const body = opts.raw ? toBytes(message) : encodeData(message);
    const terminator = opts.terminator === false ? '' : (opts.terminator ?? '.' + CRLF);
    const reply = handled(this.readReply(opts.timeoutMs, 'the end of DATA'));
    await this.send(Buffer.concat([body, Buffer.from(terminator, 'latin1')]), 'the end of DATA').catch(() => undefined);
    return reply;
  }

  /**
   * STARTTLS, then the TLS handshake on the same connection. Returns the STARTTLS reply; the
   * connection is upgraded only when it was 220. Certificates are not verified unless asked.
   */
  async starttls(opts: tls.ConnectionOptions = {}): Promise<Reply> {
    const reply = await this.command('STARTTLS');
    if (reply.code !== 220) return reply;
    const plain = this.socket;
    plain.off('data', this.onData);
    plain.off('close', this.onClose);
    plain.off('end', this.onEnd);
    plain.off('error', this.onError);
    const leftover = this.parser.discard();
    if (leftover) this.transcript.push({ dir: 'S', text: `[discarded after STARTTLS] ${leftover}` });
    const secure = tls.connect({ rejectUnauthorized: false, ...opts, socket: plain });
    this.socket = secure;
    this.attach(secure);
    await socketEvent(secure, 'secureConnect', this.timeoutMs, 'TLS handshake');
    return reply;
  }

  /** QUIT, then wait for the server to close; the connection is closed in any case. */
  async quit(timeoutMs?: number): Promise<Reply | undefined> {
    if (this.isClosed) return undefined;
    try {
      return await this.command('QUIT', timeoutMs);
    } catch (err) {
      if (err instanceof SmtpClosedError) return undefined;
      throw err;
    } finally {
      this.socket.end();
      await this.closeWithin(timeoutMs ?? this.timeoutMs);
    }
  }

  /** Drop the connection at once (no QUIT). */
  async close(): Promise<void> {
    this.socket.destroy();
    await this.closed;
  }

  private async closeWithin(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    await Promise.race([this.closed, late]);
    clearTimeout(timer);
    if (!this.isClosed) await this.close();
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
  }

  private received(chunk: Buffer): void {
    for (const r of this.parser.push(chunk)) {
      this.transcript.push({ dir: 'S', text: r instanceof SmtpProtocolError ? r.line : r.raw.replace(/\r?\n$/, '') });
    }
    for (;;) {
      const waiter = this.waiters[0];
      if (!waiter) break;
      const next = this.parser.shift();
      if (!next) break;
      this.waiters.shift();
      clearTimeout(waiter.timer);
      if (next instanceof SmtpProtocolError) waiter.reject(next);
      else waiter.resolve(next);
    }
  }

  private socketClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const partial = this.parser.partial();
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new SmtpClosedError(waiter.label, partial));
    }
    this.markClosed();
  }
}
