/**
 * smtpd(8) receiving the message content after "354" (receive_data_message() in smtpd.c), and
 * the store both DATA and BDAT (bdat.ts) put content records into. Called by session.ts's DATA
 * handler, which answers.
 *
 * Content is read as smtp_get() reads it (stream.ts), in records of at most line_length_limit
 * bytes: a longer line comes in pieces (continuation records) and is passed on whole, never
 * cut. Only a record that starts a line is looked at: a lone "." ends the content and a
 * leading "." is removed (RFC 5321 §4.5.2); UNIX From_ lines at the start become
 * X-Mailbox-Line: headers (every one of them, as sendmail permits); a first line that begins
 * with white space gets an empty line before it, so that it does not continue smtpd's own
 * Received: header. With smtpd_forbid_bare_newline set (postconf(5)) a lone "." next to a
 * bare LF is dropped instead of ending the content (only CRLF.CRLF ends it), and "reject"
 * marks content that had a bare LF.
 *
 * Each record goes to cleanup as it is read (o.output, cleanup-stream.ts). message_size_limit
 * counts each stored record plus 2 (smtpd's act_size); past it the content is read to its end
 * but nothing more is passed on ("queue file size limit exceeded").
 */
import type { LineStream } from './stream.ts';
import type { SmtpdSettings } from './session.ts';

/**
 * Content records on their way to cleanup (cleanup-stream.ts): each line ends in LF; a
 * continuation record (a piece of a longer line) goes without one, so the pieces join into
 * the line again. smtpd keeps none of the content itself.
 */
export class ContentStore {
  /** smtpd's act_size: every stored record plus 2. */
  size = 0;
  /** message_size_limit was passed: nothing more is stored. */
  tooBig = false;

  /** `output`: where the records go (cleanup's stream). */
  constructor(private readonly output: (bytes: Buffer) => void) {}

  /** Store a record without counting it (smtpd's own X-Mailbox-Line: and empty-line records). */
  put(bytes: Buffer | string, complete: boolean): void {
    this.output(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
    if (complete) this.output(NEWLINE);
  }

  /**
   * Store a record counted against message_size_limit (0: no limit); false (and tooBig) the
   * first time it does not fit.
   */
  add(bytes: Buffer, complete: boolean, messageSizeLimit: number): boolean {
    if (this.tooBig) return false;
    if (messageSizeLimit > 0 && messageSizeLimit - this.size < bytes.length + 2) {
      this.tooBig = true;
      return false;
    }
    this.size += bytes.length + 2;
    this.put(bytes, complete);
    return true;
  }
}

const NEWLINE = Buffer.from('\n');
const DOT = 0x2e;

/** The content as received. */
export interface Content {
  store: ContentStore;
  /** A line ended in a bare LF while smtpd_forbid_bare_newline = reject. */
  bareLf: boolean;
}

/** The client went away or was silent too long before the end of the content. */
export interface Interrupted {
  interrupted: 'eof' | 'timeout';
  size: number;
}

export interface ContentOptions {
  timeoutMs: number;
  lineLengthLimit: number;
  messageSizeLimit: number;
  /** This client's bare-newline handling. */
  bareLf: SmtpdSettings['forbidBareNewline'];
  /** Called once when the content passes message_size_limit. */
  tooBig: () => void;
  /** Where the content records go as they are read (cleanup's stream). */
  output: (bytes: Buffer) => void;
  /** A promise to wait on before reading more, while cleanup is behind (cleanup-stream.ts pace()). */
  pace?: () => Promise<void> | undefined;
}

const FROM_LINE = /^>*From /;

export async function receiveContent(input: LineStream, o: ContentOptions): Promise<Content | Interrupted> {
  const c: Content = { store: new ContentStore(o.output), bareLf: false };
  const detectBareLf = o.bareLf !== 'no';
  let first = true;
  let prevComplete = true;
  let prevBareLf = false;
  for (;;) {
    const got = await input.readLine(o.lineLengthLimit, o.timeoutMs, { skip: false, detectBareLf });
    if (got === 'eof' || got === 'timeout') return { interrupted: got, size: c.store.size };
    const startsLine = prevComplete;
    const afterBareLf = prevBareLf;
    prevComplete = got.complete;
    prevBareLf = got.bareLf;
    if (got.bareLf && o.bareLf === 'reject') c.bareLf = true;
    let bytes = got.bytes;
    if (first) {
      if (FROM_LINE.test(bytes.toString('latin1', 0, Math.min(bytes.length, 1024)))) {
        // A UNIX-style From_ line at the start becomes a header, as sendmail allows; not counted.
        c.store.put(Buffer.concat([Buffer.from('X-Mailbox-Line: '), bytes]), got.complete);
        continue;
      }
      first = false;
      if (bytes.length > 0 && (bytes[0] === 0x20 || bytes[0] === 0x09)) c.store.put('', true);
    }
    if (startsLine && bytes[0] === DOT) {
      // A lone "." next to a bare LF is not content and does not end it when bare newlines are guarded.
      if (bytes.length === 1 && detectBareLf && (got.bareLf || afterBareLf)) continue;
      bytes = bytes.subarray(1);
      if (bytes.length === 0) return c;
    }
    // After a size or bare-LF error the rest is read but not kept (smtpd's state->err).
    if (c.store.tooBig || c.bareLf) continue;
    c.store.add(bytes, got.complete, o.messageSizeLimit);
    if (c.store.tooBig) o.tooBig();
    const behind = o.pace?.();
    if (behind) await behind;
  }
}
