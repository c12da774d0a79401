/**
 * Line-oriented reading of an SMTP client connection, as smtpd's smtp_get() does it:
 * a line ends at LF (a CR before it is removed, so a bare LF also ends a line, as in
 * Postfix 3.7.11 with smtpd_forbid_bare_newline = no); a command line longer than the limit
 * is cut at the limit and the rest of it is skipped. Also exposes the bytes already received
 * but not yet read, for improper-pipelining detection.
 */
import type { Socket } from 'node:net';
import { SocketInput } from '../../global/socket-input.ts';

export interface ReadLine {
  text: string;
  /** The line was longer than the limit and was cut. */
  overflow: boolean;
  /** The line ended in a bare LF. */
  bareLf: boolean;
}

export class LineStream {
  private readonly input: SocketInput;

  constructor(socket: Socket) {
    this.input = new SocketInput(socket, ['end', 'close', 'error']);
  }

  /** Bytes received and not yet consumed (latin1). */
  pending(): string {
    return this.input.buf.toString('latin1');
  }

  private async more(timeoutMs: number): Promise<boolean> {
    if (this.input.ended) return false;
    const got = await this.input.wait(timeoutMs);
    return got && (!this.input.ended || this.input.buf.length > 0);
  }

  /**
   * Read one line; undefined on EOF or timeout (timedOut tells which). limit = 0: no limit.
   */
  async readLine(limit: number, timeoutMs: number): Promise<ReadLine | 'eof' | 'timeout'> {
    let scanned = 0;
    for (;;) {
      const buf = this.input.buf;
      const lf = buf.indexOf(0x0a, scanned);
      if (lf >= 0) {
        const bareLf = lf === 0 || buf[lf - 1] !== 0x0d;
        let text = this.input.take(bareLf ? lf : lf - 1, bareLf ? 1 : 2);
        const overflow = limit > 0 && text.length > limit;
        if (overflow) text = text.slice(0, limit);
        return { text, overflow, bareLf };
      }
      scanned = buf.length;
      if (this.input.ended) return 'eof';
      const before = buf.length;
      if (!(await this.more(timeoutMs))) return this.input.ended ? 'eof' : 'timeout';
      if (this.input.buf.length === before && this.input.ended) return 'eof';
    }
  }
}
