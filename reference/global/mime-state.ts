/**
 * The MIME reader (Postfix's global/mime_state.c, mime_state(3)): which part of the message
 * each content line belongs to, so that each goes to the right inspection (cleanup) or is
 * converted to 7 bits (smtp). Called by cleanup's content-stream.ts (services/cleanup),
 * the way cleanup_message.c uses it: primaryHeader() with every complete header of the primary
 * block (its Content-Type: and Content-Transfer-Encoding: decide what follows), primaryEnd()
 * at the end of that block, then line() with every later line, and finish() at the end.
 *
 * What line() hands back:
 *   - the complete headers (folded lines joined with "\n") of a part after a multipart
 *     boundary (class "multipart": postconf(5) mime_header_checks) and of a message/rfc822
 *     attachment (class "nested": nested_header_checks; its MIME headers Content-* and
 *     MIME-Version count as "multipart", as Postfix's HDR_OPT_MIME headers do);
 *   - body lines with their byte offset in the current body segment (each part's body is one
 *     segment; body_checks_size_limit counts from its start).
 * Boundaries: multipart/* pushes its boundary= (cut to mime_boundary_length_limit bytes) while
 * fewer than mime_nesting_limit are open; "--boundary" starts a part, "--boundary--" closes
 * the multipart (and any inner ones); a part of multipart/digest defaults to message/rfc822.
 * disable_mime_input_processing: nothing after the primary headers is looked at (one body).
 *
 * Errors (cleanup reports the first, logs "reject: mime-error ..." and refuses the message with
 * 5.6.0 when it ends): 8-bit bytes in a header (strict_7bit_headers or strict_8bitmime), 8-bit
 * bytes in a body announced or defaulting to 7bit (strict_8bitmime_body or strict_8bitmime), a
 * multipart/* or message/* part with an encoding instead of a domain (strict_mime_encoding_domain),
 * and more nested multiparts than mime_nesting_limit (reported when any of those or header
 * checks are configured).
 *
 * Downgrade (smtp(8) to a next hop without 8BITMIME; downgradeContent()): the whole content
 * from the primary header block on is read, and every entity whose encoding domain is not
 * 7bit loses its Content-Transfer-Encoding: header and gets "Content-Transfer-Encoding:
 * quoted-printable" (7bit for multipart/* and message/*) at the end of its header block, with
 * its body lines quoted-printable encoded (RFC 2045 section 6.7: soft line breaks after 73
 * characters, trailing white space encoded).
 *
 * Differs from Postfix: lines are whole lines, not line_length_limit records, so a boundary is
 * recognised at the start of a long line only and a long header line is never a continuation
 * record.
 */
import { headerNameLength } from './is-header.ts';

/** Where a header was found (mime_state.h MIME_HDR_*). */
export type HeaderClass = 'primary' | 'multipart' | 'nested';

export type MimeItem = { header: string; class: HeaderClass } | { body: string; offset: number };

/** MIME_ERR_* bits, in the order mime_state_detail() looks for the one to report. */
export const MIME_ERR = {
  NESTING: 1 << 0,
  TRUNC_HEADER: 1 << 1,
  EIGHT_BIT_IN_HEADER: 1 << 2,
  EIGHT_BIT_IN_7BIT_BODY: 1 << 3,
  ENCODING_DOMAIN: 1 << 4,
} as const;

/** mime_state_detail(): DSN status and text per error, the first set bit wins. */
const ERROR_DETAIL: readonly { code: number; dsn: string; text: string }[] = [
  { code: MIME_ERR.NESTING, dsn: '5.6.0', text: 'MIME nesting exceeds safety limit' },
  { code: MIME_ERR.TRUNC_HEADER, dsn: '5.6.0', text: 'message header length exceeds safety limit' },
  { code: MIME_ERR.EIGHT_BIT_IN_HEADER, dsn: '5.6.0', text: 'improper use of 8-bit data in message header' },
  { code: MIME_ERR.EIGHT_BIT_IN_7BIT_BODY, dsn: '5.6.0', text: 'improper use of 8-bit data in message body' },
  { code: MIME_ERR.ENCODING_DOMAIN, dsn: '5.6.0', text: 'invalid message/* or multipart/* encoding domain' },
];

/** The status and text a set of MIME errors is reported with. */
export function mimeErrorDetail(errors: number): { dsn: string; text: string } {
  const d = ERROR_DETAIL.find((e) => (e.code & errors) !== 0) ?? ERROR_DETAIL[0]!;
  return { dsn: d.dsn, text: d.text };
}

export interface MimeOptions {
  /** disable_mime_input_processing. */
  disable: boolean;
  /** MIME_OPT_REPORT_* of cleanup_message.c. */
  report8BitInHeader: boolean;
  report8BitIn7BitBody: boolean;
  reportEncodingDomain: boolean;
  reportNesting: boolean;
  /** mime_nesting_limit, mime_boundary_length_limit, header_size_limit. */
  nestingLimit: number;
  boundaryLengthLimit: number;
  headerSizeLimit: number;
  /** An error seen for the first time: its code and the text it was found in. */
  onError: (code: number, text: string) => void;
  /** MIME_OPT_DOWNGRADE: convert 8-bit entities to 7-bit (smtp(8)). */
  downgrade?: boolean;
}

type State = 'primary' | 'multipart' | 'nested' | 'body';
type ContentType = 'text' | 'message' | 'multipart' | 'other';
type SubType = 'plain' | 'rfc822' | 'partial' | 'external-body' | 'global' | 'other';
/** Encodings and the domains they belong to (mime_encoding_map). */
type Encoding = '7bit' | '8bit' | 'binary' | 'base64' | 'quoted-printable';

const ENCODING_DOMAIN: Readonly<Record<Encoding, Encoding>> = {
  '7bit': '7bit', '8bit': '8bit', binary: 'binary', base64: '7bit', 'quoted-printable': '7bit',
};

interface Boundary {
  text: string;
  defaultType: ContentType;
  defaultSubType: SubType;
}

/** RFC 2045 tspecials: single-character tokens of a Content-Type: value. */
const TSPECIALS = '()<>@,;:\\"/[]?=';
/** The RFC 822 specials header_token() uses when the caller names none. */
const RFC822_SPECIALS = '()<>@,;:\\".[]';
/** mime_state.c MIME_MAX_TOKEN: tokens kept per item. */
const MAX_TOKENS = 3;
/** What the log and error text keep of a line (cleanup_mime_error_callback()). */
const ERROR_TEXT_LIMIT = 100;

type Token = { type: 'token' | 'qstring' | string; value: string };

const isLws = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isControl = (c: string) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f;

/**
 * header_token(): the tokens of `text` from `at` up to `terminator` (at most MAX_TOKENS kept),
 * comments skipped, quoted strings unquoted; null at the end of the text with nothing read.
 */
function headerTokens(text: string, at: number, specials: string, terminator: string): { tokens: Token[]; next: number } | null {
  const tokens: Token[] = [];
  let i = at;
  let last = '';
  while (i < text.length) {
    const c = text[i++]!;
    last = c;
    if (isLws(c)) continue;
    if (c === terminator) break;
    if (c === '(') {
      for (let level = 1; i < text.length && level > 0;) {
        const d = text[i++]!;
        if (d === '(') level++;
        else if (d === ')') level--;
        else if (d === '\\') i++;
      }
      continue;
    }
    if (c === '"') {
      let value = '';
      while (i < text.length) {
        let d = text[i++]!;
        if (d === '"') break;
        if (d === '\n') {
          value = value.replace(/[ \t\r\n]+$/, '');
          continue;
        }
        if (d === '\\') {
          if (i >= text.length) break;
          d = text[i++]!;
        }
        value += d;
      }
      if (tokens.length < MAX_TOKENS) tokens.push({ type: 'qstring', value });
      continue;
    }
    if (specials.includes(c) || isControl(c)) {
      if (tokens.length < MAX_TOKENS) tokens.push({ type: c, value: c });
      continue;
    }
    let value = c;
    while (i < text.length && !isLws(text[i]!) && !isControl(text[i]!) && !specials.includes(text[i]!)) value += text[i++];
    if (tokens.length < MAX_TOKENS) tokens.push({ type: 'token', value });
  }
  if (tokens.length === 0 && i >= text.length && last !== terminator) return null;
  return { tokens, next: i };
}

const tokenIs = (t: Token | undefined, word: string) => t?.type === 'token' && t.value.toLowerCase() === word;

/** Content-Transfer-Encoding values that make the message 8-bit (RFC 2045 section 6.2; "binary" too, as Postfix has it). */
const EIGHT_BIT_CTE = new Set(['8bit', 'binary']);

/**
 * Does this header (folded lines joined with "\n") say Content-Transfer-Encoding: 8bit or
 * binary? cleanup_header_callback() then, with detect_8bit_encoding_header, makes the whole
 * message 8-bit. The whole value is compared, leading white space skipped, in any case: a
 * folded value or one with trailing blanks is not "8bit" (the unfolded text is compared with
 * strcasecmp(), its trimblanks() call commented out in cleanup_message.c).
 */
export function declares8bitEncoding(header: string): boolean {
  const nameLength = headerNameLength(header);
  if (header.slice(0, nameLength).toLowerCase() !== 'content-transfer-encoding') return false;
  // ISSPACE() skips ASCII white space only: a Latin-1 0xA0 is not one
  const value = header.slice(nameLength).replace(/^[ \t]*:/, '').replace(/^[ \t\n\v\f\r]*/, '');
  return EIGHT_BIT_CTE.has(value.toLowerCase());
}

/** mime_state_downgrade(): a soft line break once an encoded line is longer than this. */
const QP_SOFT_BREAK_AFTER = 72;

/** One byte as "=XX". */
const qpByte = (code: number) => `=${code.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * One line (a byte string) quoted-printable encoded (RFC 2045 section 6.7): controls but TAB,
 * "=" and 8-bit bytes as =XX, a soft line break ("=" at the end) before the output would grow
 * past 73 characters, and white space at the very end encoded.
 */
export function quotedPrintable(line: string): string[] {
  const out: string[] = [];
  let buf = '';
  for (const c of line) {
    if (buf.length > QP_SOFT_BREAK_AFTER) {
      out.push(`${buf}=`);
      buf = '';
    }
    const code = c.charCodeAt(0);
    buf += (code < 32 && c !== '\t') || c === '=' || code > 126 ? qpByte(code) : c;
  }
  const last = buf[buf.length - 1];
  if (last === ' ' || last === '\t') buf = buf.slice(0, -1) + qpByte(last.charCodeAt(0));
  out.push(buf);
  return out;
}

/**
 * The content downgraded to 7 bits for a next hop without 8BITMIME (smtp_proto.c with
 * MIME_OPT_DOWNGRADE): every line from the primary header block on through a downgrading
 * reader; `lines` and the result are byte strings without line ends.
 */
export function downgradeContent(lines: string[], limits: { nestingLimit: number; boundaryLengthLimit: number; headerSizeLimit: number }): string[] {
  const mime = new MimeState({
    disable: false, report8BitInHeader: false, report8BitIn7BitBody: false, reportEncodingDomain: false, reportNesting: false,
    ...limits, onError: () => undefined, downgrade: true,
  });
  const out: string[] = [];
  const take = (items: MimeItem[]) => {
    for (const item of items) out.push(...('header' in item ? item.header.split('\n') : [item.body]));
  };
  for (const line of lines) take(mime.line(line));
  take(mime.finish());
  return out;
}

/** Postfix's HDR_OPT_MIME headers: inspected as MIME headers wherever they are. */
function isMimeHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'mime-version' || n.startsWith('content-');
}

export class MimeState {
  private state: State = 'primary';
  private ctype: ContentType = 'text';
  private stype: SubType = 'plain';
  private encoding: Encoding = '7bit';
  private domain: Encoding = '7bit';
  private readonly stack: Boundary[] = [];
  /** The header being collected in a part's header block, as its lines. */
  private pending: string[] = [];
  private pendingBytes = 0;
  private bodyOffset = 0;
  /** MIME_ERR_* bits seen so far. */
  errors = 0;

  constructor(private readonly o: MimeOptions) {}

  /** The header class a header of the current block is inspected as. */
  headerClass(name: string): HeaderClass {
    if (isMimeHeader(name)) return 'multipart';
    return this.state === 'nested' ? 'nested' : this.state === 'multipart' ? 'multipart' : 'primary';
  }

  /** A complete header of the primary block (its lines joined with "\n"). */
  primaryHeader(text: string): void {
    this.examineHeader(text);
  }

  /** The primary header block ended at an empty line (`blank`) or at a line that is no header. */
  primaryEnd(blank: boolean): void {
    this.headerBlockEnd(blank, []);
  }

  /** One line after the primary header block: what it is. */
  line(text: string): MimeItem[] {
    const out: MimeItem[] = [];
    if (this.state !== 'body') {
      if (this.pending.length > 0 && /^[ \t]/.test(text)) {
        if (this.pendingBytes < this.o.headerSizeLimit) {
          this.pending.push(text);
          this.pendingBytes += text.length + 1;
        }
        return out;
      }
      this.flushHeader(out);
      if (headerNameLength(text) > 0) {
        this.pending = [text];
        this.pendingBytes = text.length;
        return out;
      }
      this.headerBlockEnd(text === '', out);
    }
    this.bodyLine(text, out);
    return out;
  }

  /** The end of the content: a header still being collected is complete. */
  finish(): MimeItem[] {
    const out: MimeItem[] = [];
    if (this.state !== 'body') this.flushHeader(out);
    return out;
  }

  private report(code: number, text: string): void {
    if (this.errors & code) return;
    this.errors |= code;
    this.o.onError(code, text.slice(0, ERROR_TEXT_LIMIT));
  }

  /** A part's header is complete: examined, then handed out with its class. */
  private flushHeader(out: MimeItem[]): void {
    if (this.pending.length === 0) return;
    const text = this.pending.join('\n');
    this.pending = [];
    this.pendingBytes = 0;
    this.examineHeader(text);
    const name = text.slice(0, headerNameLength(text)).replace(/[ \t]*:$/, '');
    // downgrading: an 8-bit entity's encoding header is replaced at the end of its block
    if (this.o.downgrade && name.toLowerCase() === 'content-transfer-encoding' && this.domain !== '7bit') return;
    out.push({ header: text, class: this.headerClass(name) });
  }

  /** Content-Type: and Content-Transfer-Encoding: set what follows; 8-bit bytes are noted. */
  private examineHeader(text: string): void {
    const nameLength = headerNameLength(text);
    const name = text.slice(0, nameLength).replace(/[ \t]*:$/, '').toLowerCase();
    if (!this.o.disable) {
      const value = text.slice(nameLength).replace(/^[ \t]*:/, '');
      if (name === 'content-type') this.contentType(value, text);
      if (name === 'content-transfer-encoding') this.contentEncoding(value);
    }
    // RFC 6532 aside, a header is 7-bit text (RFC 5322 section 2.2)
    if (this.o.report8BitInHeader && /[\x80-\xff]/.test(text)) this.report(MIME_ERR.EIGHT_BIT_IN_HEADER, text);
  }

  /** mime_state_content_type(): the type, subtype and, for multipart, the boundaries. */
  private contentType(value: string, header: string): void {
    const first = headerTokens(value, 0, TSPECIALS, ';');
    if (!first || first.tokens.length === 0) return;
    const [t0, t1, t2] = first.tokens;
    const slash = t1?.type === '/';
    if (tokenIs(t0, 'text')) {
      this.ctype = 'text';
      this.stype = slash && tokenIs(t2, 'plain') ? 'plain' : 'other';
    } else if (tokenIs(t0, 'message')) {
      this.ctype = 'message';
      this.stype = 'other';
      for (const s of ['rfc822', 'partial', 'external-body', 'global'] as const) if (slash && tokenIs(t2, s)) this.stype = s;
    } else if (tokenIs(t0, 'multipart')) {
      this.ctype = 'multipart';
      // RFC 2046 section 5.1.5: a digest's parts are messages unless they say otherwise
      const digest = slash && tokenIs(t2, 'digest');
      for (let item = headerTokens(value, first.next, TSPECIALS, ';'); item; item = headerTokens(value, item.next, TSPECIALS, ';')) {
        const [p0, p1, p2] = item.tokens;
        if (!(item.tokens.length >= 3 && tokenIs(p0, 'boundary') && p1?.type === '=')) continue;
        // the nesting counter starts at -1, so mime_nesting_limit multiparts may be open
        if (this.stack.length - 1 > this.o.nestingLimit) {
          if (this.o.reportNesting) this.report(MIME_ERR.NESTING, header);
        } else {
          this.stack.unshift({ text: p2!.value.slice(0, this.o.boundaryLengthLimit), defaultType: digest ? 'message' : 'text', defaultSubType: digest ? 'rfc822' : 'plain' });
        }
      }
    } else {
      this.ctype = 'other';
    }
  }

  /** mime_state_content_encoding(): a known encoding sets the encoding and its domain. */
  private contentEncoding(value: string): void {
    const item = headerTokens(value, 0, RFC822_SPECIALS, '');
    const t = item?.tokens[0];
    if (t?.type !== 'token') return;
    const enc = t.value.toLowerCase() as Encoding;
    if (enc in ENCODING_DOMAIN) {
      this.encoding = enc;
      this.domain = ENCODING_DOMAIN[enc];
    }
  }

  /** A header block ended: the downgraded encoding added, the encoding domain checked, the next state chosen. */
  private headerBlockEnd(blank: boolean, out: MimeItem[]): void {
    if (this.o.downgrade && this.domain !== '7bit') {
      const identity = (this.ctype === 'message' && this.stype !== 'global') || this.ctype === 'multipart';
      out.push({ header: `Content-Transfer-Encoding: ${identity ? '7bit' : 'quoted-printable'}`, class: this.headerClass('Content-Transfer-Encoding') });
    }
    if (this.o.reportEncodingDomain) this.checkEncodingDomain();
    if (blank) this.bodyOffset = 0;
    if (!blank) {
      this.enter('body');
      return;
    }
    if (this.ctype === 'message' && (this.stype === 'rfc822' || this.stype === 'global')) {
      this.set('nested', 'text', 'plain');
    } else if (this.ctype === 'multipart') {
      this.set('body', 'other', 'other');
    } else {
      this.enter('body');
    }
  }

  /** RFC 2045 section 6.4: multipart/* and message/* take an identity encoding only. */
  private checkEncodingDomain(): void {
    const bad = this.ctype === 'multipart'
      ? this.encoding !== this.domain
      : this.ctype === 'message' && ((this.stype === 'partial' || this.stype === 'external-body') ? this.domain !== '7bit' : this.stype === 'rfc822' && this.encoding !== this.domain);
    if (bad) this.report(MIME_ERR.ENCODING_DOMAIN, this.encoding);
  }

  /** A body line: 8-bit in a 7bit body noted, boundaries followed, then handed out. */
  private bodyLine(text: string, out: MimeItem[]): void {
    if (this.o.report8BitIn7BitBody && this.encoding === '7bit' && /[\x80-\xff]/.test(text)) this.report(MIME_ERR.EIGHT_BIT_IN_7BIT_BODY, text);
    if (this.stack.length > 0 && text.length > 2 && text.startsWith('--')) this.boundary(text);
    const lines = this.o.downgrade && this.domain !== '7bit' ? quotedPrintable(text) : [text];
    for (const line of lines) {
      out.push({ body: line, offset: this.bodyOffset });
      this.bodyOffset += line.length + 1;
    }
  }

  /** "--boundary" of an open multipart (inner ones closed): a part starts, or with "--" the multipart ends. */
  private boundary(text: string): void {
    const at = this.stack.findIndex((b) => text.startsWith(b.text, 2));
    if (at < 0) return;
    this.stack.splice(0, at);
    const b = this.stack[0]!;
    if (text.startsWith('--', 2 + b.text.length)) {
      this.stack.shift();
      this.set('body', 'other', 'other');
    } else {
      this.set('multipart', b.defaultType, b.defaultSubType);
    }
  }

  /** SET_MIME_STATE(): a new state with its default type and 7bit encoding. */
  private set(state: State, ctype: ContentType, stype: SubType): void {
    this.ctype = ctype;
    this.stype = stype;
    this.encoding = '7bit';
    this.domain = '7bit';
    this.enter(state);
  }

  /** SET_CURR_STATE(): a body starts counting its bytes afresh. */
  private enter(state: State): void {
    this.state = state;
    if (state === 'body') this.bodyOffset = 0;
  }
}
