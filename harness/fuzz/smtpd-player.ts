/**
 * Plays one generated SMTP session (smtpd-grammar.ts) byte for byte against an smtpd and
 * records what a client would see: every write, every reply as the exact bytes with its line
 * breaks, and where the server closed the connection. Used by the smtpd fuzzer (smtpd-pair.ts)
 * on both targets; harness/smtp's dialog driver is not used because a fuzzed write may get any
 * number of replies, and the player must go on whatever came back.
 *
 * Pacing: after each write the player waits for the replies the write should get (one per
 * command line, one for DATA content after a 354, one per BDAT chunk; RFC 5321 §4.2, RFC 2920
 * §3.1, RFC 3030 §2), or for the server to close, or until the server has been silent for
 * IDLE_MS — when the write got fewer replies than expected (content that never ended, a line
 * the server still waits the end of). Waiting for the expected replies rather than for silence
 * keeps a session fast and the order of replies and writes the same on both targets.
 */
import { connect, type Socket } from 'node:net';
import type { Write } from './smtpd-grammar.ts';

export interface PlayedLine {
  dir: 'C' | 'S';
  text: string;
}

export interface PlayedSession {
  /** Writes (C) and replies (S, one entry per complete reply, its last line end dropped). */
  lines: PlayedLine[];
  /** Index into `lines` where the server's close came; undefined when it did not close. */
  serverClosedAt?: number;
}

/** How long a server may stay silent before the player stops waiting for an expected reply. */
export const IDLE_MS = 400;
/** How long to wait for the greeting and for the close after QUIT or a hang-up. */
const CONNECT_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 3_000;

/** The client's hang-up, as a transcript line. */
export const CLIENT_HUNG_UP = '(the client closed the connection)';

/** A reply's last line: three digits and a space, or anything that is not a continuation. */
const isLastLine = (l: string) => !/^\d{3}-/.test(l);

/** Splits received bytes into complete replies (RFC 5321 §4.2.1: continuation lines "ddd-"). */
class ReplyReader {
  private pending = '';
  private current: string[] = [];
  readonly replies: string[] = [];

  push(bytes: string): void {
    this.pending += bytes;
    for (let nl = this.pending.indexOf('\n'); nl >= 0; nl = this.pending.indexOf('\n')) {
      const l = this.pending.slice(0, nl + 1);
      this.pending = this.pending.slice(nl + 1);
      this.current.push(l);
      if (isLastLine(l)) {
        this.replies.push(this.current.join('').replace(/\r?\n$/, ''));
        this.current = [];
      }
    }
  }

  /** What came after the last complete reply (a reply cut by the close). */
  rest(): string {
    return this.current.join('') + this.pending;
  }
}

/** How many replies a write should get, given the last reply before it. */
export function expectedReplies(w: Write, lastReply: string | undefined): number {
  const lines = (w.bytes.match(/\n/g) ?? []).length;
  if (w.replies === 'chunk') return 1;
  if (w.replies === 'content') return lastReply?.startsWith('354') ? 1 : lines;
  return lines;
}

class Connection {
  private readonly reader = new ReplyReader();
  private lastByteAt = Date.now();
  private wake?: () => void;
  closed = false;
  readonly lines: PlayedLine[] = [];
  serverClosedAt?: number;
  private taken = 0;

  constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.lastByteAt = Date.now();
      this.reader.push(d);
      this.take();
      this.wake?.();
    });
    const ended = () => {
      this.take();
      const rest = this.reader.rest();
      if (rest && !this.closed) this.lines.push({ dir: 'S', text: rest });
      if (!this.closed) this.serverClosedAt ??= this.lines.length;
      this.closed = true;
      this.wake?.();
    };
    socket.on('end', ended);
    socket.on('close', ended);
    socket.on('error', () => undefined); // 'close' follows; a reset is the server closing
  }

  private take(): void {
    while (this.taken < this.reader.replies.length) this.lines.push({ dir: 'S', text: this.reader.replies[this.taken++]! });
  }

  get replyCount(): number {
    return this.reader.replies.length;
  }

  get lastReply(): string | undefined {
    return this.reader.replies.at(-1);
  }

  /** Wait until `count` replies in all, the close, or IDLE_MS of silence (never a fixed sleep). */
  async until(count: number, idleMs: number): Promise<void> {
    while (!this.closed && this.replyCount < count) {
      const quietFor = Date.now() - this.lastByteAt;
      if (quietFor >= idleMs) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, idleMs - quietFor);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  write(bytes: string): void {
    this.lines.push({ dir: 'C', text: bytes });
    this.lastByteAt = Date.now();
    this.socket.write(bytes, 'latin1');
  }

  /** Wait for the server to close, up to `ms`. */
  async closedWithin(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await this.until(Number.MAX_SAFE_INTEGER, Math.min(100, deadline - Date.now()));
  }
}

/**
 * Connect to `port`, read the greeting, play the writes, then wait for the close (after QUIT),
 * or hang up when the session has no QUIT. Always closes the socket.
 */
export async function playSession(port: number, writes: Write[], idleMs = IDLE_MS, host = '127.0.0.1'): Promise<PlayedSession> {
  const socket = connect({ host, port });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no connection to ${host}:${port} within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    socket.once('connect', () => (clearTimeout(timer), resolve()));
    socket.once('error', (e) => (clearTimeout(timer), reject(e)));
  });
  const c = new Connection(socket);
  try {
    await c.until(1, CONNECT_TIMEOUT_MS);
    for (const w of writes) {
      if (c.closed) break;
      const want = c.replyCount + expectedReplies(w, c.lastReply);
      c.write(w.bytes);
      await c.until(want, idleMs);
    }
    const quit = writes.at(-1)?.bytes === 'QUIT\r\n';
    if (!c.closed && !quit) {
      c.lines.push({ dir: 'C', text: CLIENT_HUNG_UP });
      socket.end();
    }
    await c.closedWithin(CLOSE_TIMEOUT_MS);
    return { lines: c.lines, ...(c.serverClosedAt === undefined ? {} : { serverClosedAt: c.serverClosedAt }) };
  } finally {
    socket.destroy();
  }
}
