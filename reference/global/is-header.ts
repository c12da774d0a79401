/**
 * is_header() (Postfix's global/is_header.c): does a line start a message header? Used by
 * cleanup's header reader (services/cleanup/header-block.ts) and the MIME reader
 * (mime-state.ts), which cleanup and smtp share.
 */

/** A header name: printable ASCII without ":", then optional blanks and the colon (RFC 5322 section 2.2; "Name :" is obsolete syntax). */
const HEADER_START = /^([!-9;-~]+)[ \t]*:/;

/** The length of the header name at the start of `line` (0: not a header). */
export function headerNameLength(line: string): number {
  const m = HEADER_START.exec(line);
  return m ? m[1]!.length : 0;
}
