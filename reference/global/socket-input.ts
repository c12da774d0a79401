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
 *
 * unreadAtClose(): whether a Postfix daemon reading the same bytes would leave some of them in
 * the kernel when it closes. Postfix reads a connection VSTREAM_BUFSIZE bytes at a time, and
 * only when its buffer is used up; a close() with bytes still in the kernel's receive queue makes
 * the kernel answer with a reset instead of a FIN (RFC 2525 section 2.17), and the peer may then
 * lose replies it had not read yet. The reference reads more eagerly, so it keeps the count of
 * the bytes such a daemon would have read: each time a reader takes bytes past that count, it
 * grows by one read of at most VSTREAM_BUFSIZE of what had arrived. Before each such read a
 * VSTREAM flushes its write side, so `beforePostfixRead` is called there: smtpd's replies
 * leave at the same points of the input as Postfix's do (with Nagle's algorithm holding a
 * small reply while an earlier one is not yet acknowledged, that decides which replies a reset
 * can discard).
 */
import type { Socket } from 'node:net';
import { VSTREAM_BUFSIZE } from './vstream.ts';

/** The socket events after which no more input will come. */
export type EndEvent = 'end' | 'close' | 'error';

/** Bytes buffered before the socket is paused (more than one VSTREAM_BUFSIZE: fewer wake-ups). */
export const HIGH_WATER = 64 * 1024;

export class SocketInput {
  /** Received and not yet taken. */
  buf: Buffer = Buffer.alloc(0);
  /** One of the end events happened. */
  ended = false;
  private waiter: (() => void) | undefined;
  private paused = false;
  /** Bytes received so far, and taken by readers so far. */
  private received = 0;
  private taken = 0;
  /** Bytes a Postfix daemon would have read from the kernel by now (see unreadAtClose()). */
  private readByPostfix = 0;

  constructor(
    private readonly socket: Socket,
    endEvents: readonly EndEvent[],
    private readonly beforePostfixRead: () => void = () => undefined,
  ) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.received += d.length;
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
    this.taken += length + skip;
    this.followPostfixReads();
    this.resume(false);
    return bytes;
  }

  /** Postfix's reads needed to reach the bytes taken so far, each of what had arrived by then. */
  private followPostfixReads(): void {
    while (this.readByPostfix < this.taken) {
      this.beforePostfixRead();
      this.readByPostfix += Math.min(VSTREAM_BUFSIZE, this.received - this.readByPostfix);
    }
  }

  /** Whether closing now leaves bytes a Postfix daemon would not have read (see the header). */
  unreadAtClose(): boolean {
    return this.received > this.readByPostfix;
  }
}
