/**
 * xtext (RFC 3461 section 4) and unitext/uxtext (RFC 6533 section 3): the encodings of the DSN
 * parameters ENVID= and ORCPT=. smtpd(8) decodes what a client sends and stores the decoded
 * text in the queue file; smtp(8) encodes it again for the next hop. Follows Postfix's
 * global/xtext.c and global/uxtext.c: decoding is lenient (only a "+" must be followed by two
 * hex digits, or "\x{" by hex digits and "}"), encoding escapes every byte outside "!".."~",
 * the "+" (xtext) or "\" (uxtext), and the caller's `special` characters.
 *
 * Texts are JavaScript strings; their bytes are their UTF-8 encoding.
 */
import { utf8ByteString } from './byte-string.ts';

/** Printable ASCII without the space: what either encoding may write as it is. */
const isPlain = (byte: number): boolean => byte > 0x20 && byte < 0x7f;

const hex2 = (byte: number): string => byte.toString(16).toUpperCase().padStart(2, '0');

/** The value of one hex digit (either case), or undefined. */
function hexDigit(c: string | undefined): number | undefined {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c) ? Number.parseInt(c, 16) : undefined;
}

/** xtext-encode `text`: "+XX" for "+", the bytes outside "!".."~" and those in `special`. */
export function xtextQuote(text: string, special = ''): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte !== 0x2b && isPlain(byte) && !special.includes(c) ? c : `+${hex2(byte)}`;
  }
  return out;
}

/** Decode xtext; undefined when a "+" is not followed by two hex digits. */
export function xtextUnquote(text: string): string | undefined {
  const bytes: number[] = [];
  const input = utf8ByteString(text);
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '+') {
      bytes.push(input.charCodeAt(i));
      continue;
    }
    const hi = hexDigit(input[i + 1]);
    const lo = hexDigit(input[i + 2]);
    if (hi === undefined || lo === undefined) return undefined;
    bytes.push(hi * 16 + lo);
    i += 2;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The highest Unicode code point; a "\x{...}" above it is malformed. */
const MAX_CODE_POINT = 0x10ffff;

/** Decode uxtext: "\x{HEX}" becomes that character; undefined when one is malformed. */
export function uxtextUnquote(text: string): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (!text.startsWith('\\x{', i)) {
      out += text[i];
      continue;
    }
    const end = text.indexOf('}', i + 3);
    const digits = end < 0 ? '' : text.slice(i + 3, end);
    if (end < 0 || !/^[0-9a-fA-F]*$/.test(digits)) return undefined;
    const code = digits === '' ? 0 : Number.parseInt(digits, 16);
    if (code > MAX_CODE_POINT) return undefined;
    out += String.fromCodePoint(code);
    i = end;
  }
  return out;
}

/**
 * uxtext-encode `text`: "\x{HEX}" for "\", for every character outside "!".."~" and for those
 * in `special`.
 */
export function uxtextQuote(text: string, special = ''): string {
  let out = '';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    out += c !== '\\' && isPlain(code) && !special.includes(c) ? c : `\\x{${hex2(code)}}`;
  }
  return out;
}
