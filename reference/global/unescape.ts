/**
 * unescape() of Postfix's src/util/unescape.c: C-like escape sequences in a parameter value
 * (message_strip_characters, message_reject_characters): \a \b \f \n \r \t \v, \\ and other
 * escaped characters as themselves, and \ooo (one to three octal digits) as that byte. Used by
 * cleanup.
 */

const NAMED: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

export function unescape(value: string): string {
  return value.replace(/\\([0-7]{1,3}|[\s\S])?/g, (whole, esc: string | undefined) => {
    if (esc === undefined) return ''; // a trailing backslash ends the value
    if (/^[0-7]/.test(esc)) return String.fromCharCode(parseInt(esc, 8) & 0xff);
    return NAMED[esc] ?? esc;
  });
}
