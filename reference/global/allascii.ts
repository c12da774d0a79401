/**
 * allascii(): is a string all ASCII (Postfix's util/allascii.c)? Callers decide with it whether
 * a name or address needs UTF-8 handling (IDNA, SMTPUTF8 flags, DSN address types) or whether a
 * text reads the same as UTF-8 and as Latin-1 bytes. Used by global/ (maps, hostname, idna),
 * smtpd, cleanup, bounce and flush.
 */

const ALL_ASCII = /^[\x00-\x7f]*$/;

export function allAscii(text: string): boolean {
  return ALL_ASCII.test(text);
}
