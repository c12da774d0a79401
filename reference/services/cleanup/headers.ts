/**
 * cleanup's message header pass (cleanup_message.c): splits the content into header and body
 * lines, drops the headers named in message_drop_headers, notes which of Message-Id, Date and
 * From are present, and builds the headers cleanup appends when they are missing (Message-Id,
 * Date, From in header_from_format's form, and undisclosed_recipients_header when no To: or Cc: is there; only with a
 * header rewrite context or always_add_missing_headers = yes). Also logs the message-id, cuts
 * each header to header_size_limit (header-block.ts) and counts the Received: headers against
 * hopcount_limit: from the hopcount_limit-th one on, each logs "message rejected: hopcount
 * exceeded" and the message is refused (CLEANUP_STAT_HOPS); nothing is added then, and for a
 * caller that cannot bounce (smtpd) nothing after that header is looked at.
 */
import { gmtStamp, mailDate } from '../../global/mail-date.ts';
import { cutHeader, headerNameLength } from './header-block.ts';
import { utf8ByteString } from '../../global/byte-string.ts';

export interface HeaderPassInput {
  lines: string[];
  queueId: string;
  sender: string;
  fullName?: string;
  /**
   * header_from_format: "standard" (From: name <address>, the default since Postfix 3.3) or
   * "obsolete" (From: address (name)).
   */
  headerFromFormat?: string;
  /** Seconds: arrival time (for Date:) and queue file creation time (for Message-Id:). */
  arrivalSec: number;
  createSec: number;
  myhostname: string;
  longQueueIds: boolean;
  /** Add missing headers (header rewrite context set, or always_add_missing_headers). */
  addMissing: boolean;
  dropHeaders: string[];
  /** undisclosed_recipients_header: added with the missing headers when there is no To: or Cc:. */
  undisclosedRecipientsHeader?: string;
  /** header_size_limit: bytes written per header. */
  headerSizeLimit: number;
  /** hopcount_limit: Received: headers that make the message loop. */
  hopcountLimit: number;
  /**
   * The caller cannot have the message bounced (smtpd: Postfix's cleanup without
   * CLEANUP_FLAG_BOUNCE): after the first error cleanup reads the rest without looking at it.
   */
  stopAtError: boolean;
  log: (text: string) => void;
  warn: (text: string) => void;
}

export interface HeaderPassOutput {
  /** Header lines to write (folded lines stay separate, as they were received). */
  headers: string[];
  body: string[];
  /** hopcount_limit was reached: the message must be refused (CLEANUP_STAT_HOPS). */
  tooManyHops: boolean;
}

const HEADER_START = /^([!-9;-~]+)[ \t]*:/;

/** Split content lines into the header block and the body (the empty separator line stays in the body). */
export function splitHeaders(lines: string[]): { headers: string[][]; body: string[] } {
  const headers: string[][] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (/^[ \t]/.test(line) && headers.length > 0) headers[headers.length - 1].push(line);
    else if (HEADER_START.test(line)) headers.push([line]);
    else break;
  }
  return { headers, body: lines.slice(i) };
}

export function headerName(h: string[]): string {
  return (HEADER_START.exec(h[0])?.[1] ?? '').toLowerCase();
}

/** The header value without the name, colon and leading white space (folded lines joined with \n). */
export function headerValue(h: string[]): string {
  return h.join('\n').replace(HEADER_START, '').replace(/^[ \t]+/, '');
}

/** The header pass over all content lines at once (callers that have the whole message). */
export function headerPass(input: HeaderPassInput): HeaderPassOutput {
  const { headers, body } = splitHeaders(input.lines);
  const pass = new HeaderPass(input);
  for (const h of headers) pass.header(h);
  const out = pass.done();
  // A body that does not start with the empty separator line (the header block ended at a
  // line that is not a header) gets one, as Postfix's cleanup writes it: the queue file
  // always separates header and body.
  if (body.length > 0 && body[0] !== '') return { ...out, body: ['', ...body] };
  return { ...out, body };
}

/**
 * The header pass one header at a time, as cleanup_header_callback() sees each header as soon
 * as it is complete (its message-id is logged then), and done() at the end of the header
 * block, where the missing headers are added (cleanup_header_done_callback()).
 */
export class HeaderPass {
  private readonly drop: Set<string>;
  private readonly seen = new Set<string>();
  private readonly out: string[] = [];
  private hops = 0;
  /** hopcount_limit was reached. */
  tooManyHops = false;
  /** Nothing more is looked at (an error, for a caller that cannot bounce). */
  stopped = false;
  /** A header with 8-bit text was kept for output (cleanup_out_header()'s SMTPUTF8_FLAG_HEADER test). */
  eightBitOutput = false;

  constructor(private readonly input: Omit<HeaderPassInput, 'lines'>) {
    this.drop = new Set(input.dropHeaders.map((h) => h.toLowerCase()));
  }

  /** One complete header (its folded lines). */
  header(h: string[]): void {
    if (this.stopped) return;
    const input = this.input;
    const name = headerName(h);
    // Postfix notes a header (and logs its message-id) before it decides to drop it.
    this.seen.add(name);
    if (name === 'message-id') input.log(`${input.queueId}: message-id=${headerValue(h)}`);
    else if (name === 'resent-message-id') input.log(`${input.queueId}: resent-message-id=${headerValue(h)}`);
    else if (name === 'received' && ++this.hops >= input.hopcountLimit) {
      // RFC 5321 section 6.3: a message with too many Received: lines is looping.
      input.warn(`${input.queueId}: message rejected: hopcount exceeded`);
      this.tooManyHops = true;
      if (input.stopAtError) {
        this.stopped = true;
        return;
      }
    }
    if (this.drop.has(name)) return;
    const kept = cutHeader(h, input.headerSizeLimit);
    if (kept.some((l) => EIGHT_BIT.test(l))) this.eightBitOutput = true;
    this.out.push(...kept);
  }

  /**
   * A header that header_checks PREPEND put before the current one: written as cleanup_out_header()
   * writes any header (cut to header_size_limit), but not noted as seen, counted as a hop or
   * dropped by message_drop_headers (cleanup_act() writes it out directly).
   */
  prepended(h: string[]): void {
    const kept = cutHeader(h, this.input.headerSizeLimit);
    if (kept.some((l) => EIGHT_BIT.test(l))) this.eightBitOutput = true;
    this.out.push(...kept);
  }

  /** The end of the header block: the headers to write, the missing ones appended. */
  done(): Omit<HeaderPassOutput, 'body'> {
    const { input, seen, out } = this;
    // Once the message is refused, cleanup writes nothing more, and adds no header.
    if (this.tooManyHops) return { headers: out, tooManyHops: true };
    // A Resent-* header (HDR_OPT_RR, also a dropped one) makes the added headers Resent- ones.
    const resent = [...seen].some((n) => RESENT.has(n)) ? 'Resent-' : '';
    const has = (name: string) => seen.has(resent ? `resent-${name}` : name);
    if (input.addMissing && !has('message-id')) {
      const id = input.longQueueIds
        ? `${input.queueId}@${input.myhostname}`
        : `${gmtStamp(input.createSec)}.${input.queueId}@${input.myhostname}`;
      out.push(`${resent}Message-Id: <${id}>`);
      input.log(`${input.queueId}: ${resent.toLowerCase()}message-id=<${id}>`);
    }
    if (!seen.has('message-id') && !(input.addMissing && !resent)) input.log(`${input.queueId}: message-id=<>`);
    if (input.addMissing && !has('date')) out.push(`${resent}Date: ${mailDate(input.arrivalSec)}`);
    if (input.addMissing && !has('from')) out.push(resent + fromHeader(input.sender, input.fullName, input.headerFromFormat));
    const witheld = input.undisclosedRecipientsHeader ?? '';
    if (input.addMissing && witheld && !VISIBLE_RECIPIENT.some((n) => seen.has(n))) {
      if (headerNameLength(witheld) > 0) out.push(witheld);
      else input.warn(`bad undisclosed_recipients_header header text "${witheld}" -- need "headername: headervalue"`);
    }
    return { headers: out, tooManyHops: false };
  }
}

/** A byte of 8-bit text in a header line (a latin1 byte string). */
const EIGHT_BIT = /[\x80-\xff]/;

/** The headers that show recipients: without one of them undisclosed_recipients_header is added (Bcc: does not count). */
const VISIBLE_RECIPIENT = ['to', 'resent-to', 'cc', 'resent-cc'];

/** Headers with HDR_OPT_RR in Postfix's header_opts table. */
const RESENT = new Set(['resent-bcc', 'resent-cc', 'resent-date', 'resent-from', 'resent-message-id', 'resent-reply-to', 'resent-sender', 'resent-to']);

/** RFC 822 specials plus Postfix's legacy "%!" operators: a full name with these is quoted. */
const NEEDS_QUOTE = /[%!()<>@,;:\\".[\]]/;

/** header_from_format's value for the pre-3.3 form "From: address (full name)". */
const HFROM_FORMAT_OBSOLETE = 'obsolete';

/**
 * The From: header cleanup adds (cleanup_message.c): the address alone without a full name or
 * for the null sender, else in the form header_from_format names.
 */
function fromHeader(sender: string, fullName?: string, format?: string): string {
  // Envelope text as the bytes Postfix copies into the header (byte-string.ts).
  const addr = utf8ByteString(sender) || 'MAILER-DAEMON';
  if (!sender || !fullName) return `From: ${addr}`;
  const name = utf8ByteString(fullName).replace(/[\r\n]/g, ' ');
  // the full name as an RFC 822 comment after the address
  if (format === HFROM_FORMAT_OBSOLETE) return `From: ${addr} (${name})`;
  const phrase = NEEDS_QUOTE.test(name)
    ? `"${name.replace(/(["\\])/g, '\\$1')}"`
    : name.trim().split(/\s+/).join(' ');
  return `From: ${phrase} <${addr}>`;
}
