/**
 * A minimal SMTP client connection for smtp(8): connect with a timeout, read (multi-line)
 * replies each with its own time limit, write commands. Reply text is kept as Postfix's smtp
 * client keeps it for logging and bounces: the lines as received, codes included, joined with
 * a space ("550-5.1.1 first 550 5.1.1 last"; smtp/peer-faults). Each line may first be replaced
 * by the session's reply filter (smtp_reply_filter).
 */
import { connect, type Socket } from 'node:net';
import { SocketInput } from '../../global/socket-input.ts';

export interface SmtpReply {
  code: number;
  /** "250 2.0.0 Ok" (multi-line replies: the whole lines joined with " "). */
  text: string;
  /** The continuation lines' keywords (EHLO). */
  lines: string[];
}

/**
 * A line of a server reply through smtp_reply_filter: the line to read in its place, or
 * undefined to keep it (smtp_chat.c smtp_chat_resp()).
 */
export type ReplyFilter = (line: string) => Promise<string | undefined>;

/** A local problem (a table that failed) ends the session: "local data error while talking to …". */
export class LocalDataError extends Error {
  constructor(readonly warning: string) {
    super(warning);
  }
}

export class ConnectError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The source address (smtp_bind_address) could not be bound; `reason` is the system's text. */
export class BindError extends ConnectError {}

export class SmtpConnection {
  private readonly input: SocketInput;
  readonly localPort: number;
  /** smtp_reply_filter, applied to each reply line as it is read. */
  filter?: ReplyFilter;

  private constructor(private readonly socket: Socket, private readonly timeoutMs: number) {
    this.localPort = socket.localPort ?? 0;
    this.input = new SocketInput(socket, ['close', 'error']);
  }

  /** Connect to host:port within timeoutMs, from `localAddress` when given (smtp_bind_address). */
  static open(host: string, port: number, timeoutMs: number, localAddress?: string): Promise<SmtpConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, ...(localAddress ? { localAddress } : {}) });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectError('Connection timed out'));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new SmtpConnection(socket, timeoutMs));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(err.syscall === 'bind' ? new BindError(errnoText(err)) : new ConnectError(errnoText(err)));
      });
    });
  }

  write(text: string): void {
    if (!this.input.ended) this.socket.write(text, 'latin1');
  }

  /** Read one reply within timeoutMs (default: the connect timeout); throws on timeout or a lost connection. */
  async read(timeoutMs = this.timeoutMs): Promise<SmtpReply> {
    const lines: string[] = [];
    for (;;) {
      const nl = this.input.buf.indexOf(0x0a);
      if (nl < 0) {
        if (this.input.ended) throw new Error('lost connection');
        if (!(await this.input.wait(timeoutMs))) throw new Error('conversation timed out');
        continue;
      }
      let line = this.input.take(nl, 1).replace(/\r$/, '');
      if (this.filter) line = (await this.filter(line)) ?? line;
      lines.push(line);
      if (!/^\d{3}-/.test(line)) break;
    }
    const code = Number(lines[0].slice(0, 3)) || 0;
    const text = lines.join(' ');
    return { code, text, lines: lines.map((l) => l.slice(4)) };
  }

  /**
   * Read a reply that no longer matters — to RSET or QUIT once every recipient is decided: a
   * peer that times out or goes away then changes nothing, so the failure is not reported.
   */
  async readIgnoringFailure(timeoutMs = this.timeoutMs): Promise<void> {
    await this.read(timeoutMs).catch(() => undefined);
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ECONNRESET: 'Connection reset by peer',
  EADDRNOTAVAIL: 'Cannot assign requested address',
};

export function errnoText(err: NodeJS.ErrnoException): string {
  return ERRNO_TEXT[err.code ?? ''] ?? err.message;
}
