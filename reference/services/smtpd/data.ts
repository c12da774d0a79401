/**
 * smtpd(8) receiving the message content after "354" (the reading part of data_cmd() in
 * smtpd.c): lines up to the lone "." are read without a length limit, dot-unstuffed, a UNIX
 * From_ line at the start becomes an X-Mailbox-Line: header, and a first line that begins with
 * white space gets an empty line before it (so that it does not continue smtpd's own Received:
 * header). Past message_size_limit the content is read to its end but not kept
 * ("queue file size limit exceeded"); with smtpd_forbid_bare_newline (postconf(5)) only
 * CRLF.CRLF ends the content, and "reject" marks content that had a bare LF. Called by
 * session.ts's DATA handler, which answers.
 */
import type { LineStream } from './stream.ts';
import type { SmtpdSettings } from './session.ts';

/** The content as received. */
export interface Content {
  lines: string[];
  /** Bytes counted against message_size_limit (each kept line plus CRLF). */
  size: number;
  /** message_size_limit was passed: lines after that were not kept. */
  tooBig: boolean;
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
  messageSizeLimit: number;
  /** This client's bare-newline handling. */
  bareLf: SmtpdSettings['forbidBareNewline'];
  /** Called once when the content passes message_size_limit. */
  tooBig: () => void;
}

export async function receiveContent(input: LineStream, o: ContentOptions): Promise<Content | Interrupted> {
  const c: Content = { lines: [], size: 0, tooBig: false, bareLf: false };
  let prevBareLf = false;
  for (let first = true; ; first = false) {
    const got = await input.readLine(0, o.timeoutMs);
    if (got === 'eof' || got === 'timeout') return { interrupted: got, size: c.size };
    const afterBareLf = prevBareLf;
    prevBareLf = got.bareLf;
    if (got.bareLf && o.bareLf === 'reject') c.bareLf = true;
    if (first && /^>*From /.test(got.text)) {
      // A UNIX-style From_ line at the start becomes a header, as sendmail allows.
      c.lines.push(`X-Mailbox-Line: ${got.text}`);
      continue;
    }
    if (first && /^[ \t]/.test(got.text)) c.lines.push(''); // keep it out of our Received: header
    const text = unstuff(got.text, o.bareLf !== 'no' && (got.bareLf || afterBareLf));
    if (text === END) break;
    if (text !== SKIP) keep(c, text, o);
  }
  return c;
}

const END = Symbol('end of content');
const SKIP = Symbol('not content');

/**
 * A line without its stuffed dot; END for the lone "."; SKIP for a lone "." next to a bare LF
 * when bare-newline protection is on (only CRLF.CRLF ends the message; other dots are dropped).
 */
function unstuff(text: string, nextToBareLf: boolean): string | typeof END | typeof SKIP {
  if (!text.startsWith('.')) return text;
  if (text === '.' && nextToBareLf) return SKIP;
  return text === '.' ? END : text.slice(1);
}

/** Keep a line, unless the content has passed message_size_limit. */
function keep(c: Content, text: string, o: ContentOptions): void {
  if (c.tooBig) return;
  if (o.messageSizeLimit > 0 && o.messageSizeLimit - c.size < text.length + 2) {
    c.tooBig = true;
    o.tooBig();
    return;
  }
  c.size += text.length + 2;
  c.lines.push(text);
}
