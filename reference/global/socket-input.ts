/**
 * The input side of a connected socket, buffered (the role of Postfix's vstream read buffer):
 * bytes are kept until a reader takes them, and a reader can wait, with a time limit, for more
 * bytes or for the end of the connection. Used by smtpd's line reader (smtpd/stream.ts) and
 * smtp's reply reader (smtp/client.ts).
 */
import type { Socket } from 'node:net';

/** The socket events after which no more input will come. */
export type EndEvent = 'end' | 'close' | 'error';

export class SocketInput {
  /** Received and not yet taken. */
  buf: Buffer = Buffer.alloc(0);
  /** One of the end events happened. */
  ended = false;
  private waiter: (() => void) | undefined;

  constructor(socket: Socket, endEvents: readonly EndEvent[]) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
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

  /** Wait for more bytes or the end; false when timeoutMs passed first. */
  wait(timeoutMs: number): Promise<boolean> {
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
    const text = this.buf.subarray(0, length).toString('latin1');
    this.buf = this.buf.subarray(length + skip);
    return text;
  }
}
