/**
 * Line-oriented reading of an SMTP client connection, as smtpd's smtp_get() does it:
 * a line ends at LF (a CR before it is removed, so a bare LF also ends a line, as in
 * Postfix 3.7.11 with smtpd_forbid_bare_newline = no); a command line longer than the limit
 * is cut at the limit and the rest of it is skipped. Also exposes the bytes already received
 * but not yet read, for improper-pipelining detection.
 */
import type { Socket } from 'node:net';

export interface ReadLine {
  text: string;
  /** The line was longer than the limit and was cut. */
  overflow: boolean;
  /** The line ended in a bare LF. */
  bareLf: boolean;
}

export class LineStream {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private waiter: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.wake();
    });
    const end = (): void => {
      this.ended = true;
      this.wake();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Bytes received and not yet consumed (latin1). */
  pending(): string {
    return this.buf.toString('latin1');
  }

  private async more(timeoutMs: number): Promise<boolean> {
    if (this.ended) return false;
    const got = await new Promise<boolean>((resolve) => {
      this.timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiter = () => resolve(true);
    });
    clearTimeout(this.timer);
    return got && (!this.ended || this.buf.length > 0);
  }

  /**
   * Read one line; undefined on EOF or timeout (timedOut tells which). limit = 0: no limit.
   */
  async readLine(limit: number, timeoutMs: number): Promise<ReadLine | 'eof' | 'timeout'> {
    let scanned = 0;
    for (;;) {
      const lf = this.buf.indexOf(0x0a, scanned);
      if (lf >= 0) {
        const bareLf = lf === 0 || this.buf[lf - 1] !== 0x0d;
        const bodyEnd = bareLf ? lf : lf - 1;
        let text = this.buf.subarray(0, bodyEnd).toString('latin1');
        this.buf = this.buf.subarray(lf + 1);
        const overflow = limit > 0 && text.length > limit;
        if (overflow) text = text.slice(0, limit);
        return { text, overflow, bareLf };
      }
      scanned = this.buf.length;
      if (this.ended) return 'eof';
      const before = this.buf.length;
      if (!(await this.more(timeoutMs))) return this.ended ? 'eof' : 'timeout';
      if (this.buf.length === before && this.ended) return 'eof';
    }
  }
}
