/**
 * DSN NOTIFY bits (dsn_mask.h) and their words: RCPT TO NOTIFY= in smtpd and smtp, sendmail -N,
 * and the `notify_flags` attribute of queue files and bounce logs; the RET= values as the
 * `ret_flags` attribute holds them.
 */

export const DSN_RET_FULL = 1 << 0;
export const DSN_RET_HDRS = 1 << 1;

export const DSN_NOTIFY_NEVER = 1 << 0;
export const DSN_NOTIFY_SUCCESS = 1 << 1;
export const DSN_NOTIFY_FAILURE = 1 << 2;
export const DSN_NOTIFY_DELAY = 1 << 3;

/** Each bit with its word, in the order RFC 3461 lists them (and smtp(8) sends them). */
const NOTIFY_WORDS: readonly [number, string][] = [
  [DSN_NOTIFY_NEVER, 'NEVER'], [DSN_NOTIFY_SUCCESS, 'SUCCESS'], [DSN_NOTIFY_FAILURE, 'FAILURE'], [DSN_NOTIFY_DELAY, 'DELAY'],
];

/**
 * The mask of a NOTIFY word list (any case), as smtpd's RCPT TO and sendmail -N accept it:
 * 0 when a word is unknown, when there is none, or when NEVER comes with another word.
 */
export function dsnNotifyMask(words: readonly string[]): number {
  let mask = 0;
  for (const word of words) {
    const bit = NOTIFY_WORDS.find(([, w]) => w === word.toUpperCase())?.[0];
    if (bit === undefined) return 0;
    mask |= bit;
  }
  return mask & DSN_NOTIFY_NEVER && mask !== DSN_NOTIFY_NEVER ? 0 : mask;
}

/** What separates NOTIFY words (name_mask()'s delimiters: comma and blanks). */
const NOTIFY_SEPARATORS = /[, \t\r\n]+/;

/**
 * RCPT TO's NOTIFY= value as smtpd reads it (dsn_notify_mask()): its mask, 0 when it is empty
 * or combines NEVER with another word; or the first unknown word (Postfix logs a warning).
 */
export function dsnNotifyParse(value: string): { mask: number } | { unknown: string } {
  const words = value.split(NOTIFY_SEPARATORS).filter((w) => w !== '');
  const unknown = words.find((w) => !NOTIFY_WORDS.some(([, known]) => known === w.toUpperCase()));
  return unknown !== undefined ? { unknown } : { mask: dsnNotifyMask(words) };
}

/** The words of a mask, e.g. ["SUCCESS", "FAILURE"]. */
export function dsnNotifyWords(mask: number): string[] {
  return NOTIFY_WORDS.filter(([bit]) => mask & bit).map(([, word]) => word);
}
