/**
 * smtpd(8) command-line helpers: splitting a command into verb and arguments, extracting the
 * address of MAIL FROM / RCPT TO / VRFY (extract_addr in smtpd.c: `<>` quoting optional, as
 * with strict_rfc821_envelopes = no), the "non-SMTP command" test for
 * smtpd_forbidden_commands, and the escape() used when logging raw client bytes.
 *
 * Command lines are byte strings (latin1: one char per byte) until commandText() has checked
 * them; blanks are the C locale's isspace() set, never Unicode spaces such as U+00A0.
 */
import { isUtf8 } from 'node:buffer';
import { internalize, quoteLocal, scan } from '../../global/tok822.ts';

/** isspace() in the C locale: what smtpd_token() splits on. */
const BLANKS = ' \t\n\v\f\r';
const BLANK = new RegExp(`[${BLANKS}]`);
const BLANK_RUN = new RegExp(`[${BLANKS}]+`, 'g');
const BLANK_START = new RegExp(`^[${BLANKS}]`);

/**
 * The command a received line (bytes as latin1) holds, or why there is none. With
 * smtputf8_enable the whole line must be valid UTF-8 ("500 5.5.2 Error: bad UTF-8 syntax", the
 * check of smtpd_proto()); then the line is read as a C string, so it ends at its first NUL
 * (smtpd_token() never sees what follows), and is decoded from UTF-8 when smtputf8_enable is on.
 */
export function commandText(line: string, smtputf8Enable: boolean): string | 'bad-utf8' {
  const bytes = Buffer.from(line, 'latin1');
  if (smtputf8Enable && !isUtf8(bytes)) return 'bad-utf8';
  const nul = bytes.indexOf(0);
  const text = nul < 0 ? bytes : bytes.subarray(0, nul);
  return text.toString(smtputf8Enable ? 'utf8' : 'latin1');
}

/** Split a command into verb and arguments (blanks around them removed); undefined for an empty line. */
export function splitCommand(text: string): { verb: string; args: string } | undefined {
  const words = text.replace(new RegExp(`^[${BLANKS}]+|[${BLANKS}]+$`, 'g'), '');
  if (words === '') return undefined;
  const m = new RegExp(`^([^${BLANKS}]+)(?:[${BLANKS}]+([^]*))?$`).exec(words)!;
  return { verb: m[1]!, args: m[2] ?? '' };
}

export interface ParsedPath {
  /**
   * The address in external form, local part quoted only where it must be (`"a b"@x`,
   * `"nobody"@x` → `nobody@x`): what smtpd hands to cleanup and logs ("" for <>).
   */
  address: string;
  /** The address in internal form, quotes removed (`a b@x`): what replies show and restrictions see. */
  internal: string;
  /** The address argument as sent (for "Illegal address syntax" warnings). */
  token: string;
  /** ESMTP parameters after the address. */
  params: string[];
  /** More than one address form (Postfix: "Illegal address syntax"). */
  bad: boolean;
}

/**
 * Split "MAIL FROM:<a@b> SIZE=1" into the address and its parameters. 'syntax' = no
 * "FROM:"/"TO:" part; 'token' = the address argument cannot be tokenized (an unclosed "<");
 * { bad: true } = tokenized but not one address (Postfix logs "Illegal address syntax").
 */
export function parsePath(rest: string, keyword: 'FROM' | 'TO'): ParsedPath | 'syntax' | 'token' {
  const m = new RegExp(`^${keyword}:\\s*(.*)$`, 'i').exec(rest.trim());
  if (!m || m[1] === '') return 'syntax';
  return parseAddressArg(m[1]);
}

/** Parse "<addr> PARAM..." or "addr PARAM..."; quoted strings may hold blanks and "<>". */
export function parseAddressArg(text: string): ParsedPath | 'token' {
  let given: string;
  let tail: string;
  let token: string;
  if (text.startsWith('<')) {
    const end = findClose(text);
    if (end < 0) return 'token';
    given = text.slice(1, end);
    tail = text.slice(end + 1);
    token = text.slice(0, end + 1);
    if (tail !== '' && !BLANK_START.test(tail)) return 'token';
  } else {
    const sp = firstBlankOutsideQuotes(text);
    given = sp < 0 ? text : text.slice(0, sp);
    tail = sp < 0 ? '' : text.slice(sp);
    token = given;
  }
  // Source routes "@a,@b:user@dom" are stripped as Postfix does.
  const route = /^@[^:"]*:(.*)$/.exec(given);
  if (route) given = route[1];
  const bad = /[<>]/.test(withoutQuotedStrings(given)) || BLANK.test(withoutQuotedStrings(given));
  const internal = bad ? given : internalize(scan(given));
  const address = bad || internal === '' ? given : quoteLocal(internal);
  const words = tail.split(BLANK_RUN).filter((w) => w !== '');
  return { address, internal, token, bad, params: words };
}

/** The text with every quoted string (and its backslash escapes) left out. */
function withoutQuotedStrings(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, '');
}

/** The first index at or after `from`, outside quoted strings and backslash escapes, where `stop` holds; -1 if none. */
function findOutsideQuotes(text: string, from: number, stop: (c: string) => boolean): number {
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && stop(c)) return i;
  }
  return -1;
}

const findClose = (text: string) => findOutsideQuotes(text, 1, (c) => c === '>');
const firstBlankOutsideQuotes = (text: string) => findOutsideQuotes(text, 0, (c) => BLANK.test(c));

/**
 * A verb that starts like a header (is_header()): one or more printable ASCII characters other
 * than ':' and then ':' ("Subject:", "Subject:x"); what follows the colon does not matter.
 */
export function isHeaderToken(token: string): boolean {
  return /^[\x21-\x39\x3b-\x7e]+:/.test(token);
}

/**
 * smtpd_forbidden_commands (default "CONNECT GET POST regexp:{{/^[^A-Z]/ Bogus}}"): the named
 * verbs, and (regexp tables being case-insensitive) any verb not starting with a letter.
 */
export function isForbiddenCommand(verb: string, forbidden: string[]): boolean {
  const upper = verb.toUpperCase();
  for (const f of forbidden) {
    if (f.startsWith('regexp:') || f.startsWith('pcre:')) {
      if (/^\/\^\[\^A-Z\]\//.test(f.replace(/^(regexp|pcre):\{\{?\s*/, '')) && !/^[A-Za-z]/.test(verb)) return true;
    } else if (f.toUpperCase() === upper) return true;
  }
  return false;
}

/** The C escapes escape() writes for control characters; any other non-printable byte is octal. */
const C_ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

/**
 * Postfix escape() of raw client bytes (a latin1 string): printable ASCII kept (a backslash
 * doubled), \a \b \f \n \r \t \v as C escapes, every other byte (NUL, 8-bit) as \ooo octal.
 */
export function escapeBytes(data: string): string {
  let out = '';
  for (const ch of data) {
    const c = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else out += C_ESCAPES[ch] ?? '\\' + (c & 0xff).toString(8).padStart(3, '0');
  }
  return out;
}
