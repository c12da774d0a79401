/**
 * What a Postfix queue ID looks like, shared by the maillog parser and the normaliser.
 *
 * Short IDs (default) are upper-case hex: five digits of microseconds followed by the inode
 * number in hex. Long IDs (enable_long_queue_ids = yes) are seconds and microseconds in a
 * base-52 alphabet without vowels, then the letter "z", then the inode in base 51 (the same
 * alphabet without "z"). See postfix-internals.md §5.3.
 */

const LONG_CHARS = '0-9BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxy';

/** Source text (no anchors, no flags) matching one short or long queue ID. */
export const QUEUE_ID_SOURCE = `(?:[0-9A-F]{6,}|[${LONG_CHARS}z]{10,}z[${LONG_CHARS}]+)`;

const WHOLE = new RegExp(`^${QUEUE_ID_SOURCE}$`);

/** True when `s` is, as a whole, a short or long queue ID. */
export function isQueueId(s: string): boolean {
  return WHOLE.test(s);
}
