/**
 * cleanup reading a message's content while it arrives (cleanup_message.c's record loop): the
 * caller hands over bytes as it receives them (write()), each complete line is read at once,
 * and each header is processed as soon as it is complete — header_checks, the header address
 * rewriting, then the header pass (headers.ts) that logs its message-id — and the missing
 * headers are added (and the generated message-id logged) as soon as the header block ends.
 * A header that a header_checks PREPEND puts before the current one is written as it is: it
 * is not rewritten and the header pass does not count it (a Received:) or note it (a Date:
 * still gets one added), as cleanup_act() writes it out directly. Body lines go through body_checks as they come; with a MIME reader (mime-state.ts) the lines
 * after the primary header block are sorted first into part headers (mime_header_checks,
 * nested_header_checks) and body lines (body_checks within body_checks_size_limit), and a
 * MIME error it found refuses the message at its end when nothing else did (5.6.0).
 * Called by cleanup.ts for each message.
 *
 * What was read stays done: when the client gives up (settle() without end(): smtpd's client
 * left, sent RSET or QUIT, or a later BDAT chunk failed), the log lines written so far remain,
 * as Postfix's cleanup, which reads smtpd's records while they come and only then meets the end
 * of its input, leaves them. A header is complete only when the next line starts (or at the
 * end of the content); a line is complete only at its LF (or at the end of the content).
 *
 * After a REJECT, a DISCARD or too many hops nothing more is looked at (CLEANUP_OUT_OK()).
 *
 * Differs from Postfix: a line longer than line_length_limit is read once it is complete,
 * where Postfix's cleanup sees each of its records as it arrives.
 */
import type { ContentChecks } from './content-checks.ts';
import { HeaderBlockReader, type BlockItem, type HeaderBlockLimits } from './header-block.ts';
import { headerName, splitHeaders, type HeaderPass } from './headers.ts';
import { declares8bitEncoding, MIME_ERR, mimeErrorDetail, type MimeItem, type MimeState } from '../../global/mime-state.ts';
import { CLEANUP_STAT, cleanupStatDetail } from '../../global/cleanup-user.ts';
import { allAscii } from '../../global/allascii.ts';

/** The message content breaks one of cleanup's rules: an answer with this status, no queue file. */
export class MessageRefused extends Error {
  constructor(readonly status: number, reason: string) {
    super(reason);
  }
}

/** The reason of a CLEANUP_STAT_HOPS answer: its DSN status and text. */
export const HOPS_REASON = `${cleanupStatDetail(CLEANUP_STAT.HOPS).dsn} ${cleanupStatDetail(CLEANUP_STAT.HOPS).text}`;

/** What the content is read with; known once the envelope is written. */
export interface ContentSetup {
  /** The header pass of this message. */
  pass: HeaderPass;
  /** header_checks, body_checks and the character lists, when configured. */
  inspect?: ContentChecks;
  /** Rewrites the address headers among these lines; undefined without a header rewrite context. */
  rewriteHeaders?: (lines: string[]) => Promise<string[]>;
  /** The MIME reader of mail from outside (cleanup_message.c runs one for every message). */
  mime?: MimeState;
  /** detect_8bit_encoding_header: a part's Content-Transfer-Encoding: 8bit makes the message 8-bit. */
  detect8bitHeader?: boolean;
  /**
   * Too many hops is noted (ReadContent.tooManyHops) and the content read on, for a client that
   * asks cleanup to return refused mail itself (CLEANUP_FLAG_BOUNCE); otherwise it refuses.
   */
  keepTooManyHops?: boolean;
  /**
   * Where the content goes as it is read (cleanup: the queue file): the header block when it
   * ends, then each body line that passed the checks.
   */
  output: (line: string, part: ContentPart) => void;
}

export interface ContentStreamOptions extends HeaderBlockLimits {
  /**
   * cleanup_replace_stray_cr_lf (default yes in 3.7.11): each CR of a record becomes a space, as
   * cleanup_message_headerbody() does, so a bare CR can neither reach a mailbox nor be relayed
   * to a next hop that would take it for a line end (SMTP smuggling; smtpd-security/smuggling-*).
   */
  replaceStrayCr: boolean;
}

/** Which part of the message a content line belongs to: the primary header block, or the body after it. */
export type ContentPart = 'header' | 'body';

/** The content as cleanup keeps it: what to write after the M record. */
export interface ReadContent {
  /** The header block as it went to ContentSetup.output. */
  headers: string[];
  /** A DISCARD action: the message is dropped with an OK answer. */
  discarded: boolean;
  /** More Received: headers than hopcount_limit, noted rather than refused (keepTooManyHops). */
  tooManyHops: boolean;
  /** A MIME part's Content-Transfer-Encoding: said 8bit or binary (detect_8bit_encoding_header). */
  partDeclares8bit: boolean;
  /** A MIME part's header with 8-bit text was written (cleanup_out_header(): SMTPUTF8_FLAG_HEADER). */
  partHeader8bit: boolean;
}

const LF = 0x0a;
/** Unread content bytes above which the writer is asked to wait (pace()), and below which it may go on. */
const BACKLOG_HIGH = 256 * 1024;
const BACKLOG_LOW = 64 * 1024;
const CR = /\r/g;

export class ContentStream {
  private readonly reader: HeaderBlockReader;
  /** Bytes after the last LF: the start of a line that has not ended yet. */
  private partial: Buffer[] = [];
  private readonly queue: Buffer[] = [];
  /** Bytes in `queue`, and the writers waiting for it to shrink (pace()). */
  private queued = 0;
  private pacers: (() => void)[] = [];
  /** The reading of the queue; `draining` while it has not ended. */
  private running: Promise<void> = Promise.resolve();
  private draining = false;
  private failure?: { error: unknown };
  /** A verdict or an error: the rest is read without being looked at. */
  private halted = false;
  private headers: string[] = [];
  private discarded = false;
  private tooManyHops = false;
  private partDeclares8bit = false;
  private partHeader8bit = false;
  private setup?: ContentSetup;

  /** `ready`: the setup, once the envelope is written (it fails when the envelope does). */
  constructor(private readonly ready: Promise<ContentSetup>, private readonly o: ContentStreamOptions) {
    this.reader = new HeaderBlockReader(o);
  }

  /** Content bytes as they arrive: lines end in LF; bytes after the last LF wait for the rest of their line. */
  write(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.queue.push(bytes);
    this.queued += bytes.length;
    if (!this.draining) this.running = this.drain();
  }

  /** The end of the content: the last line without LF and the open header are read; what to write, or the refusal. */
  async end(): Promise<ReadContent> {
    await this.settle();
    if (!this.failure) await this.guard(async () => {
      if (this.partial.length > 0) await this.line(this.takeLine(undefined));
      await this.items(this.reader.finish());
      const mime = this.setup?.mime;
      if (mime) {
        if (!this.halted) await this.mimeItems(mime.finish());
        this.mimeVerdict(mime);
      }
    });
    if (this.failure) throw this.failure.error;
    return {
      headers: this.headers, discarded: this.discarded, tooManyHops: this.tooManyHops,
      partDeclares8bit: this.partDeclares8bit, partHeader8bit: this.partHeader8bit,
    };
  }

  /** A promise to wait on while more than BACKLOG_HIGH bytes are unread; undefined otherwise. */
  pace(): Promise<void> | undefined {
    if (this.queued <= BACKLOG_HIGH) return undefined;
    return new Promise((resolve) => this.pacers.push(resolve));
  }

  /** Let waiting writers go on once the backlog is down to BACKLOG_LOW (or the reading stopped). */
  private release(): void {
    if (this.pacers.length === 0 || (this.queued > BACKLOG_LOW && this.draining)) return;
    const waiting = this.pacers;
    this.pacers = [];
    for (const go of waiting) go();
  }

  /** Wait until everything handed over so far is read (an abandoned message: its log lines are written). */
  async settle(): Promise<void> {
    while (this.draining) await this.running;
  }

  /** Read the queued bytes in order; ends (and says so) in the same turn that finds the queue empty. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const bytes = this.queue.shift()!;
        this.queued -= bytes.length;
        if (!this.failure) await this.guard(() => this.take(bytes));
        this.release();
      }
    } finally {
      this.draining = false;
      this.release();
    }
  }

  /** Run one step; its fault is kept for end() and stops the reading. */
  private async guard(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.failure = { error };
      this.halted = true;
    }
  }

  private async take(bytes: Buffer): Promise<void> {
    this.setup ??= await this.ready;
    let at = 0;
    for (let lf = bytes.indexOf(LF); lf >= 0; lf = bytes.indexOf(LF, at)) {
      await this.line(this.takeLine(bytes.subarray(at, lf)));
      at = lf + 1;
    }
    if (at < bytes.length) this.partial.push(bytes.subarray(at));
  }

  /** The line the held bytes and `last` make (Latin-1 keeps bytes); nothing is held after. */
  private takeLine(last: Buffer | undefined): string {
    if (last) this.partial.push(last);
    const line = this.partial.length === 1 ? this.partial[0]!.toString('latin1') : Buffer.concat(this.partial).toString('latin1');
    this.partial = [];
    return line;
  }

  /** One complete line (without LF). */
  private async line(raw: string): Promise<void> {
    this.setup ??= await this.ready;
    if (this.halted) return;
    let l = this.o.replaceStrayCr ? raw.replace(CR, ' ') : raw;
    if (this.setup.inspect) l = this.setup.inspect.strip(l);
    await this.items(this.reader.line(l));
  }

  private async items(items: BlockItem[]): Promise<void> {
    this.setup ??= await this.ready;
    for (const item of items) {
      if (this.halted) return;
      if ('header' in item) await this.header(item.header);
      else if ('end' in item) this.headerBlockEnd();
      else await this.bodyLine(item.body);
    }
  }

  /** One complete header: header_checks, address rewriting, the header pass (cleanup_header_callback()). */
  private async header(h: string[]): Promise<void> {
    const { inspect, rewriteHeaders, pass, mime } = this.setup!;
    let lines = h;
    mime?.primaryHeader(h.join('\n'));
    if (inspect) {
      const checked = await inspect.checkHeaderParts(h, mime?.headerClass(headerName(h)) ?? 'primary');
      if (this.verdict(inspect)) return;
      // A PREPEND text is written as it is: not rewritten, not counted, not looked at.
      if (checked.prepend) pass.prepended(checked.prepend.split('\n'));
      lines = checked.lines;
    }
    if (rewriteHeaders) lines = await rewriteHeaders(lines);
    for (const each of splitHeaders(lines).headers) pass.header(each);
    if (pass.stopped) throw new MessageRefused(CLEANUP_STAT.HOPS, HOPS_REASON);
  }

  /** The header block ended: the missing headers are added (cleanup_header_done_callback()). */
  private headerBlockEnd(): void {
    const done = this.setup!.pass.done();
    if (done.tooManyHops && !this.setup!.keepTooManyHops) throw new MessageRefused(CLEANUP_STAT.HOPS, HOPS_REASON);
    this.tooManyHops = done.tooManyHops;
    this.headers = done.headers;
    for (const h of this.headers) this.setup!.output(h, 'header');
  }

  /** A body line that passed the checks, to the output. */
  private keep(line: string, part: ContentPart = 'body'): void {
    this.setup!.output(line, part);
  }

  private async bodyLine(line: string): Promise<void> {
    const { inspect, mime } = this.setup!;
    if (mime) {
      await this.mimeItems(mime.line(line));
      return;
    }
    if (!inspect) {
      this.keep(line);
      return;
    }
    const lines = await inspect.checkBody(line);
    if (!this.verdict(inspect)) for (const l of lines) this.keep(l);
  }

  /** What the MIME reader made of the lines after the primary header block: part headers and body lines. */
  private async mimeItems(items: MimeItem[]): Promise<void> {
    const { inspect, detect8bitHeader } = this.setup!;
    for (const item of items) {
      if (this.halted) return;
      if ('header' in item) {
        const lines = item.header.split('\n');
        if (detect8bitHeader && declares8bitEncoding(item.header)) this.partDeclares8bit = true;
        const out = inspect ? await inspect.checkHeader(lines, item.class) : lines;
        if (inspect && this.verdict(inspect)) return;
        // A MIME part's header goes out as a header (cleanup_header_callback()), not as body text.
        if (out.some((l) => !allAscii(l))) this.partHeader8bit = true;
        for (const l of out) this.keep(l, 'header');
      } else {
        const out = inspect ? await inspect.checkBody(item.body, item.offset) : [item.body];
        if (inspect && this.verdict(inspect)) return;
        for (const l of out) this.keep(l);
      }
    }
  }

  /**
   * cleanup_message_headerbody() at the end of the content: a MIME error (other than a long
   * header) refuses the message with its detail, unless a content check already refused it.
   */
  private mimeVerdict(mime: MimeState): void {
    const errors = mime.errors & ~MIME_ERR.TRUNC_HEADER;
    if (errors === 0 || this.setup?.inspect?.verdict.status) return;
    const { dsn, text } = mimeErrorDetail(errors);
    throw new MessageRefused(CLEANUP_STAT.CONT, `${dsn} ${text}`);
  }

  /** Did a check reject (thrown) or discard the message? Then nothing more is looked at. */
  private verdict(inspect: ContentChecks): boolean {
    if (inspect.verdict.status) throw new MessageRefused(inspect.verdict.status, inspect.verdict.reason ?? '');
    if (inspect.verdict.discard) {
      this.discarded = true;
      this.halted = true;
    }
    return this.halted;
  }
}
