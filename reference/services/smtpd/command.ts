/**
 * smtpd(8) command-line helpers: splitting a command into verb and arguments, cutting the
 * arguments into words as smtpd_token() does (smtpd_token.c; the address word then goes to
 * address.ts's extract_addr()), the "non-SMTP command" test for smtpd_forbidden_commands, and
 * the escape() used when logging raw client bytes (printable() is in global/printable.ts).
 * Called by session.ts.
 *
 * Command lines are byte strings (latin1: one char per byte) until commandText() has checked
 * them; blanks are the C locale's isspace() set, never Unicode spaces such as U+00A0.
 */
import { isUtf8 } from 'node:buffer';

/** isspace() in the C locale: what smtpd_token() splits on. */
const BLANKS = ' \t\n\v\f\r';
const BLANK = new RegExp(`[${BLANKS}]`);

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

/** One word of a command line as smtpd_token() cuts it; `error` = an unclosed "<" or quote. */
export interface SmtpdToken {
  text: string;
  error: boolean;
}

/** The closer each opening quote waits for (smtp_quoted()). */
const CLOSER: Record<string, string> = { '<': '>', '"': '"' };

/**
 * A quoted part from `line[start]` (its opening "<" or '"') to the matching closer: backslash
 * escapes the next character, a '"' nests inside "<...>" and so does another "<"; an input that
 * ends first is an error. Returns the text taken (quotes included) and where reading stopped.
 */
function quotedPart(line: string, start: number): { text: string; end: number; error: boolean } {
  const wanted = [CLOSER[line[start]!]!];
  let text = line[start]!;
  let i = start + 1;
  while (i < line.length) {
    const c = line[i++]!;
    text += c;
    const top = wanted[wanted.length - 1];
    if (c === '\\') {
      if (i >= line.length) break;
      text += line[i++];
    } else if (c === top) {
      wanted.pop();
      if (wanted.length === 0) return { text, end: i, error: false };
    } else if (c === '"') wanted.push('"');
    else if (c === '<' && top === '>') wanted.push('>');
  }
  return { text, end: i, error: true };
}

/** "FROM:" and "TO:" end a word at their colon ("MAIL FROM:<a>" is three words). */
const PATH_KEYWORD = /^(?:to|from):$/i;

/**
 * smtpd_token(): a command line cut into words at blanks (C isspace(), so a bare CR or a
 * vertical tab separates words too), a "<...>" or quoted part staying inside its word whatever
 * it holds, and "FROM:" / "TO:" words of their own. Every command's arguments are these words.
 */
export function smtpdTokens(line: string): SmtpdToken[] {
  const words: SmtpdToken[] = [];
  let i = 0;
  for (;;) {
    let text = '';
    let error = false;
    while (i < line.length) {
      const c = line[i++]!;
      if (BLANK.test(c)) {
        while (i < line.length && BLANK.test(line[i]!)) i++;
        if (text !== '') break;
      } else if (c in CLOSER) {
        const q = quotedPart(line, i - 1);
        text += q.text;
        i = q.end;
        error ||= q.error;
      } else if (c === ':') {
        text += c;
        if (PATH_KEYWORD.test(text)) break;
      } else if (c === '\\') {
        text += c;
        if (i < line.length) text += line[i++];
      } else text += c;
    }
    if (text === '') return words;
    words.push({ text, error });
  }
}

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
