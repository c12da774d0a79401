/**
 * EHLO keyword masks (Postfix src/global/ehlo_mask.c): the names smtp_discard_ehlo_keywords
 * and smtpd_discard_ehlo_keywords accept, turned into a bit mask and back into the text
 * smtp(8) and smtpd(8) log ("discarding EHLO keywords: PIPELINING SIZE"). Names are matched without regard
 * to case; unknown names are ignored. Called by the smtp client (services/smtp) and by smtpd's
 * session (services/smtpd/session.ts), which logs the same text.
 */

export const EHLO_MASK_8BITMIME = 1 << 0;
export const EHLO_MASK_PIPELINING = 1 << 1;
export const EHLO_MASK_SIZE = 1 << 2;
export const EHLO_MASK_VRFY = 1 << 3;
export const EHLO_MASK_ETRN = 1 << 4;
export const EHLO_MASK_AUTH = 1 << 5;
export const EHLO_MASK_VERP = 1 << 6;
export const EHLO_MASK_STARTTLS = 1 << 7;
export const EHLO_MASK_XCLIENT = 1 << 8;
export const EHLO_MASK_XFORWARD = 1 << 9;
export const EHLO_MASK_ENHANCEDSTATUSCODES = 1 << 10;
export const EHLO_MASK_DSN = 1 << 11;
export const EHLO_MASK_SMTPUTF8 = 1 << 12;
export const EHLO_MASK_CHUNKING = 1 << 13;
/** "silent-discard": discard without the log line. */
export const EHLO_MASK_SILENT = 1 << 15;

/**
 * Names in the order the log line lists them. Postfix 3.7's table names the SMTPUTF8 bit
 * twice and its first name is "EHLO_MASK_SMTPUTF8", so that is what the log line shows.
 */
const TABLE: [string, number][] = [
  ['8BITMIME', EHLO_MASK_8BITMIME], ['AUTH', EHLO_MASK_AUTH], ['ETRN', EHLO_MASK_ETRN],
  ['PIPELINING', EHLO_MASK_PIPELINING], ['SIZE', EHLO_MASK_SIZE], ['VERP', EHLO_MASK_VERP],
  ['VRFY', EHLO_MASK_VRFY], ['XCLIENT', EHLO_MASK_XCLIENT], ['XFORWARD', EHLO_MASK_XFORWARD],
  ['STARTTLS', EHLO_MASK_STARTTLS], ['ENHANCEDSTATUSCODES', EHLO_MASK_ENHANCEDSTATUSCODES],
  ['DSN', EHLO_MASK_DSN], ['EHLO_MASK_SMTPUTF8', EHLO_MASK_SMTPUTF8], ['SMTPUTF8', EHLO_MASK_SMTPUTF8],
  ['CHUNKING', EHLO_MASK_CHUNKING], ['SILENT-DISCARD', EHLO_MASK_SILENT],
];

/** The mask of a keyword list (separators: blanks and commas). */
export function ehloMask(words: string): number {
  let mask = 0;
  for (const w of words.split(/[\s,]+/).filter(Boolean)) {
    const hit = TABLE.find(([name]) => name === w.toUpperCase());
    if (hit) mask |= hit[1];
  }
  return mask;
}

/** The names of a mask's bits, space separated, each bit once. */
export function ehloMaskText(mask: number): string {
  const out: string[] = [];
  let left = mask;
  for (const [name, bit] of TABLE) {
    if (left & bit) {
      out.push(name);
      left &= ~bit;
    }
  }
  return out.join(' ');
}
