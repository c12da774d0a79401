/**
 * Reading an SMTP client connection as smtpd does it through smtp_get() and smtp_fread_buf()
 * (src/global/smtp_stream.c). Called by session.ts (command lines), data.ts (DATA content)
 * and bdat.ts (BDAT chunks).
 *
 * readLine(): at most `bound` bytes up to and including LF. A CR as the bound-th byte is
 * followed by a look at the next byte, so that a CRLF split by the bound still ends the line.
 * A line that ends in LF loses its terminator: with bare-newline detection off
 * (smtpd_forbid_bare_newline = no, 3.7.11's default) every CR before the LF goes too, so
 * "x\r\r\n" is "x"; with detection on exactly one CR goes, and an LF without CR before it is
 * reported as a bare LF. A line longer than `bound` comes back in pieces (complete = false),
 * the way DATA content is passed on, or, with `skip`, cut at the bound and the rest up to the
 * LF read and dropped without being kept, the way a command line is. A line cut off by the end
 * of the connection is not returned: the read ends in 'eof'.
 *
 * readBytes(): a BDAT fragment, exactly n bytes, or how many of them came before the end.
 *
 * Nothing here keeps more than the socket buffer (global/socket-input.ts) plus one bound.
 *
 * beforeWait(): called each time a read must wait for the client, and each time Postfix's
 * smtpd would refill its VSTREAM buffer from the kernel (see global/socket-input.ts). smtpd's
 * replies sit in its output buffer until then (a VSTREAM flushes its write side before it
 * reads), so the replies to a pipelined group leave together, once the group's input is used
 * up or once the group is longer than one buffer.
 */
import type { Socket } from 'node:net';
import { SocketInput } from '../../global/socket-input.ts';

const LF = 0x0a;
const CR = 0x0d;

export interface ReadLine {
  /** The line without its terminator (a view: copy what must be kept). */
  bytes: Buffer;
  /** The line ended in LF (false: cut at the bound; the rest follows or was skipped). */
  complete: boolean;
  /** The line ended in an LF without CR while bare-newline detection was on. */
  bareLf: boolean;
}

export type ReadEnd = 'eof' | 'timeout';

export class LineStream {
  private readonly input: SocketInput;

  constructor(socket: Socket, private readonly beforeWait: () => void = () => undefined) {
    this.input = new SocketInput(socket, ['end', 'close', 'error'], beforeWait);
  }

  /** Bytes received and not yet consumed (latin1), for improper-pipelining detection. */
  pending(): string {
    return this.input.buf.toString('latin1');
  }

  /** Closing now would leave bytes Postfix had not read, so the kernel would reset the connection. */
  unreadAtClose(): boolean {
    return this.input.unreadAtClose();
  }

  /** Wait for more input; the reason when none will come. */
  private async more(timeoutMs: number): Promise<ReadEnd | undefined> {
    this.beforeWait();
    if (this.input.ended) return 'eof';
    const before = this.input.buf.length;
    const got = await this.input.wait(timeoutMs);
    if (!got) return 'timeout';
    if (this.input.buf.length === before && this.input.ended) return 'eof';
    return undefined;
  }

  /** Read one line or piece of a line (smtp_get); see the header comment. */
  async readLine(bound: number, timeoutMs: number, o: { skip: boolean; detectBareLf: boolean }): Promise<ReadLine | ReadEnd> {
    const got = await this.scan(bound, timeoutMs);
    if (typeof got === 'string') return got;
    const bytes = this.input.takeBytes(got.length, got.complete ? 1 : 0);
    const line = { ...stripTerminator(bytes, got.complete, o.detectBareLf), complete: got.complete };
    if (!got.complete && o.skip) {
      const skipped = await this.skipLine(timeoutMs);
      if (skipped) return skipped;
    }
    return line;
  }

  /** Where the next line or piece ends: its length without LF, and whether an LF follows. */
  private async scan(bound: number, timeoutMs: number): Promise<{ length: number; complete: boolean } | ReadEnd> {
    const limit = bound > 0 ? bound : Infinity;
    let scanned = 0;
    for (;;) {
      const buf = this.input.buf;
      const lf = buf.subarray(0, Math.min(buf.length, limit)).indexOf(LF, scanned);
      if (lf >= 0) return { length: lf, complete: true };
      if (buf.length >= limit) {
        // Cut at the bound; a CR there is followed by a look at the next byte.
        if (buf[limit - 1] !== CR) return { length: limit, complete: false };
        if (buf.length > limit) return buf[limit] === LF ? { length: limit, complete: true } : { length: limit, complete: false };
      }
      scanned = Math.min(buf.length, limit);
      const end = await this.more(timeoutMs);
      if (end) return end; // a line cut off by the end is not passed on (smtp_get)
    }
  }

  /** Drop input up to and including the next LF, keeping nothing of it. */
  private async skipLine(timeoutMs: number): Promise<ReadEnd | undefined> {
    for (;;) {
      const buf = this.input.buf;
      const lf = buf.indexOf(LF);
      if (lf >= 0) {
        this.input.takeBytes(lf + 1);
        return undefined;
      }
      this.input.takeBytes(buf.length);
      const end = await this.more(timeoutMs);
      if (end) return end;
    }
  }

  /** Exactly n bytes (n small: one BDAT fragment), or the end and how many of them had come. */
  async readBytes(n: number, timeoutMs: number): Promise<Buffer | { end: ReadEnd; received: number }> {
    while (this.input.buf.length < n) {
      const end = await this.more(timeoutMs);
      if (end) return { end, received: this.input.buf.length };
    }
    return this.input.takeBytes(n);
  }
}

/** A line's terminator removed as smtp_get() removes it (see the header comment). */
function stripTerminator(bytes: Buffer, complete: boolean, detectBareLf: boolean): { bytes: Buffer; bareLf: boolean } {
  if (!complete) return { bytes, bareLf: false };
  let end = bytes.length;
  if (detectBareLf) {
    if (end === 0 || bytes[end - 1] !== CR) return { bytes, bareLf: true };
    return { bytes: bytes.subarray(0, end - 1), bareLf: false };
  }
  while (end > 0 && bytes[end - 1] === CR) end--;
  return { bytes: bytes.subarray(0, end), bareLf: false };
}
