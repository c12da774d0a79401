/**
 * The input side of a connected socket, buffered (the role of Postfix's vstream read buffer):
 * bytes are kept until a reader takes them, and a reader can wait, with a time limit, for more
 * bytes or for the end of the connection. Used by smtpd's line reader (smtpd/stream.ts) and
 * smtp's reply reader (smtp/client.ts).
 *
 * The buffer is bounded, as a vstream buffer is: once it holds HIGH_WATER bytes the socket is
 * paused (the kernel and then TCP flow control hold the rest), and it is resumed when a reader
 * takes bytes or waits for more. A peer that sends without pause therefore costs at most about
 * HIGH_WATER plus one socket read, however much it sends.
 */
import type { Socket } from 'node:net';

/** The socket events after which no more input will come. */
export type EndEvent = 'end' | 'close' | 'error';

/** Bytes buffered before the socket is paused (Postfix's VSTREAM_BUFSIZE is 4096; a little more here saves wake-ups). */
export const HIGH_WATER = 64 * 1024;

export class SocketInput {
  /** Received and not yet taken. */
  buf: Buffer = Buffer.alloc(0);
  /** One of the end events happened. */
  ended = false;
  private waiter: (() => void) | undefined;
  private paused = false;

  constructor(private readonly socket: Socket, endEvents: readonly EndEvent[]) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      if (this.buf.length >= HIGH_WATER && !this.paused) {
        this.paused = true;
        socket.pause();
      }
      this.wake();
    });
    const end = (): void => {
      this.ended = true;
      this.wake();
    };
    for (const event of endEvents) socket.on(event, end);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Let the socket deliver again once the buffer has room (or a reader needs more than it holds). */
  private resume(force: boolean): void {
    if (!this.paused || (!force && this.buf.length >= HIGH_WATER)) return;
    this.paused = false;
    this.socket.resume();
  }

  /** Wait for more bytes or the end; false when timeoutMs passed first. */
  wait(timeoutMs: number): Promise<boolean> {
    this.resume(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  /** The first `length` bytes as latin1 text; they and `skip` bytes after them leave the buffer. */
  take(length: number, skip = 0): string {
    return this.takeBytes(length, skip).toString('latin1');
  }

  /** The first `length` bytes (a view: copy what is kept); they and `skip` bytes after them leave the buffer. */
  takeBytes(length: number, skip = 0): Buffer {
    const bytes = this.buf.subarray(0, length);
    this.buf = this.buf.subarray(length + skip);
    this.resume(false);
    return bytes;
  }
}
