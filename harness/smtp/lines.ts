/**
 * Byte-exact line splitting for SMTP streams, used by both ends of the harness
 * (the dialog driver reading replies, the sink reading commands and DATA).
 *
 * A line ends at LF; the CR before it, if any, stays part of the line, so callers
 * can tell CRLF from a bare LF and keep message bytes exactly as they arrived.
 */

export class LineBuffer {
  private buf: Buffer = Buffer.alloc(0);

  /** Append bytes received from the peer. */
  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  /** Number of bytes not yet taken. */
  get length(): number {
    return this.buf.length;
  }

  /** Take the next complete line including its LF (and CR), or undefined if none is complete. */
  shiftLine(): Buffer | undefined {
    const lf = this.buf.indexOf(0x0a);
    if (lf < 0) return undefined;
    const line = this.buf.subarray(0, lf + 1);
    this.buf = this.buf.subarray(lf + 1);
    return line;
  }

  /** The bytes not yet taken, left in place. */
  peek(): Buffer {
    return this.buf;
  }

  /** Take up to `n` bytes (all of them when n is omitted), whole lines or not. */
  take(n?: number): Buffer {
    const count = n === undefined ? this.buf.length : Math.min(n, this.buf.length);
    const out = this.buf.subarray(0, count);
    this.buf = this.buf.subarray(count);
    return out;
  }
}

/** A line without its terminating LF or CRLF. */
export function chomp(line: Buffer): Buffer {
  let end = line.length;
  if (end > 0 && line[end - 1] === 0x0a) end--;
  if (end > 0 && line[end - 1] === 0x0d) end--;
  return line.subarray(0, end);
}
