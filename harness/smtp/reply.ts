/**
 * SMTP replies (RFC 5321 §4.2): the Reply shape the harness passes around, an incremental
 * parser for multi-line replies ("250-..." continued, "250 ..." final), and a formatter
 * used by the sink to write replies.
 */
import { LineBuffer, chomp } from './lines.ts';

export interface Reply {
  /** The three-digit reply code. */
  code: number;
  /** Text of each line after the code and its separator ("-" or " "). */
  lines: string[];
  /** The RFC 3463 enhanced status code of the first line ("5.7.1"), when present. */
  enhanced?: string;
  /** The lines joined with "\n". */
  text: string;
  /** The reply exactly as received, line terminators included. */
  raw: string;
}

const ENHANCED = /^([245]\.\d{1,3}\.\d{1,3})(?: |$)/;
const REPLY_LINE = /^(\d{3})([ -]?)(.*)$/s;

/** Raised when a server line is not an SMTP reply line at all. */
export class SmtpProtocolError extends Error {
  constructor(readonly line: string) {
    super(`malformed SMTP reply line: ${JSON.stringify(line)}`);
    this.name = 'SmtpProtocolError';
  }
}

/** Build a Reply from its code and line texts (raw is rebuilt with CRLF). */
export function makeReply(code: number, lines: string[], raw?: string): Reply {
  const enhanced = ENHANCED.exec(lines[0] ?? '')?.[1];
  const rebuilt = lines.map((l, i) => `${code}${i < lines.length - 1 ? '-' : ' '}${l}\r\n`).join('');
  const reply: Reply = { code, lines, text: lines.join('\n'), raw: raw ?? rebuilt };
  if (enhanced !== undefined) reply.enhanced = enhanced;
  return reply;
}

/**
 * Incremental reply parser: feed bytes with push(), take finished replies with shift().
 * Lines of a reply still in progress are available as partial() (for error reports).
 */
export class ReplyParser {
  private readonly input = new LineBuffer();
  private pendingLines: string[] = [];
  private pendingRaw = '';
  private readonly done: (Reply | SmtpProtocolError)[] = [];

  /** Feed bytes; returns the replies (or protocol errors) completed by them. */
  push(chunk: Buffer): (Reply | SmtpProtocolError)[] {
    const before = this.done.length;
    this.input.push(chunk);
    for (let line = this.input.shiftLine(); line; line = this.input.shiftLine()) {
      this.parseLine(line);
    }
    return this.done.slice(before);
  }

  private parseLine(line: Buffer): void {
    const rawLine = line.toString('utf8');
    const text = chomp(line).toString('utf8');
    const m = REPLY_LINE.exec(text);
    if (!m) {
      this.done.push(new SmtpProtocolError(text));
      this.pendingLines = [];
      this.pendingRaw = '';
      return;
    }
    this.pendingLines.push(m[3]);
    this.pendingRaw += rawLine;
    if (m[2] === '-') return;
    this.done.push(makeReply(Number(m[1]), this.pendingLines, this.pendingRaw));
    this.pendingLines = [];
    this.pendingRaw = '';
  }

  /** The next complete reply (or a protocol error in its place), if any. */
  shift(): Reply | SmtpProtocolError | undefined {
    return this.done.shift();
  }

  /** Raw text received for a reply not yet complete (lines so far, plus an unfinished line). */
  partial(): string {
    return this.pendingRaw + this.input.peek().toString('utf8');
  }

  /** Drop everything buffered (used after STARTTLS, where leftover plaintext must not be trusted). */
  discard(): string {
    const dropped = this.partial();
    this.input.take();
    this.pendingLines = [];
    this.pendingRaw = '';
    this.done.length = 0;
    return dropped;
  }
}

/**
 * Format a reply for the wire. `reply` is "CODE text"; a "\n" in the text starts a new line
 * of a multi-line reply ("250 a\nb" → "250-a\r\n250 b\r\n").
 */
export function formatReply(reply: string): string {
  const m = /^(\d{3})[ -]?(.*)$/s.exec(reply);
  if (!m) throw new Error(`not an SMTP reply: ${JSON.stringify(reply)}`);
  const lines = m[2].split('\n');
  return makeReply(Number(m[1]), lines).raw;
}
