/**
 * smtpd's output stream to cleanup while a message arrives: the content records (each line
 * with its LF; a piece of a longer line without one) are handed to cleanup's CleanupMessage as
 * smtpd receives them, through a buffer of VSTREAM_BUFSIZE bytes as Postfix's VSTREAM to
 * cleanup has: bytes go on when the buffer is full, when smtpd flushes it (after its own
 * Received: header, at the end of the content) and when the transaction is dropped (Postfix's
 * mail_stream_cleanup() closes the stream, which writes what it holds). So cleanup reads what
 * arrived before an abandoned transaction ended and logs what it logs for it (smtpd.c
 * data_cmd(), bdat_cmd(), mail_reset()). Used by session.ts, data.ts and bdat.ts.
 */
import { VSTREAM_BUFSIZE } from '../../global/vstream.ts';
import type { CleanupMessage } from '../contracts.ts';


export class CleanupOutput {
  /** The stream buffer; the caller's bytes are copied in (they may be views of a buffer it reuses). */
  private readonly buffer = Buffer.allocUnsafe(VSTREAM_BUFSIZE);
  private used = 0;

  constructor(private readonly message: CleanupMessage) {}

  /** Append bytes to the stream; each time the buffer is full it goes to cleanup. */
  put(bytes: Buffer): void {
    let at = 0;
    while (at < bytes.length) {
      const n = bytes.copy(this.buffer, this.used, at);
      this.used += n;
      at += n;
      if (this.used === VSTREAM_BUFSIZE) this.flush();
    }
  }

  /** A promise to wait on while cleanup is behind (its pace()), so a fast client cannot pile content up in memory. */
  pace(): Promise<void> | undefined {
    return this.message.pace();
  }

  /** Hand everything held to cleanup. */
  flush(): void {
    if (this.used === 0) return;
    this.message.write(Buffer.from(this.buffer.subarray(0, this.used)));
    this.used = 0;
  }
}
