/**
 * printable() (Postfix's util/printable.c): text as Postfix shows it in logs and notices, every
 * character it cannot show replaced by "?". Used by postlogd for every log line (as
 * msg_vprintf() does), by smtpd for client input it logs or keeps, by verify for cached
 * reasons, and by smtpd's postmaster notices.
 */
/**
 * printable(): what Postfix leaves of a line in its log (and, for an overlong command, of the
 * command itself): printable ASCII kept; with UTF-8 on (smtputf8_enable), a multi-byte sequence
 * kept whole; every other byte "?". `bytes` is a latin1 string, one char per byte.
 */
export function printableBytes(bytes: string, utf8: boolean): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) out += bytes[i];
    else if (utf8 && c >= 0xc2 && c <= 0xfe && isContinuation(bytes, i + 1)) {
      out += bytes[i];
      while (isContinuation(bytes, i + 1)) out += bytes[++i];
    } else out += '?';
  }
  return out;
}

const isContinuation = (bytes: string, i: number) => i < bytes.length && (bytes.charCodeAt(i) & 0xc0) === 0x80;

/**
 * printable() of decoded text (a token, an address, a reply): control characters and, without
 * UTF-8, 8-bit characters replaced by `replacement` ("?" for logs; smtpd's reject replies use a
 * blank).
 */
export function printableText(text: string, utf8: boolean, replacement = '?'): string {
  return text.replace(utf8 ? /[\x00-\x1f\x7f]/g : /[^\x20-\x7e]/g, replacement);
}
