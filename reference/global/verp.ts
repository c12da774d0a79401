/**
 * Variable envelope return paths (Postfix's VERP_README; postconf(5) default_verp_delimiters,
 * verp_delimiter_filter; global/verp_sender.c), shared by smtpd (XVERP), sendmail (-V),
 * cleanup (the V record) and qmgr (the per-recipient sender).
 *
 *   verpDelimitersProblem(delims, filter)  why two VERP delimiters are not acceptable: not
 *                                          exactly two characters, or one not in the filter;
 *   verpSender(delims, sender, recipient)  prefix@origin with recipient user@domain becomes
 *                                          prefix<d1>user<d2>domain@origin.
 */

/** The number of characters a VERP delimiter pair has. */
const VERP_DELIMITER_COUNT = 2;

/** How much of a refused VERP request a warning quotes ("%.100s"). */
const LOGGED_REQUEST_LIMIT = 100;

/** The warning for VERP delimiters that are not a usable pair (cleanup_envelope.c, qmgr_message.c). */
export function badVerpRequestWarning(queueId: string, delims: string): string {
  return `${queueId}: ignoring bad VERP request: "${delims.slice(0, LOGGED_REQUEST_LIMIT)}"`;
}

/** undefined when `delims` are a usable pair, else the reason (verp_delims_verify()). */
export function verpDelimitersProblem(delims: string, filter: string): string | undefined {
  if (delims.length !== VERP_DELIMITER_COUNT) return 'bad VERP delimiter character count';
  if (!filter.includes(delims[0]!)) return 'bad first VERP delimiter character';
  if (!filter.includes(delims[1]!)) return 'bad second VERP delimiter character';
  return undefined;
}

/**
 * The envelope sender of one VERP delivery: the sender's local part, the first delimiter, the
 * recipient's local part, the second delimiter and the recipient's domain (when it has one),
 * then "@" and the sender's domain (when it has one). `recipient` is the original recipient
 * when there is one (what the consumer of the bounce expects).
 */
export function verpSender(delims: string, sender: string, recipient: string): string {
  const sAt = sender.lastIndexOf('@');
  const rAt = recipient.lastIndexOf('@');
  const senderLocal = sAt < 0 ? sender : sender.slice(0, sAt);
  const senderDomain = sAt < 0 ? '' : sender.slice(sAt + 1);
  const rcptLocal = rAt < 0 ? recipient : recipient.slice(0, rAt);
  const rcptDomain = rAt < 0 ? '' : recipient.slice(rAt + 1);
  let out = `${senderLocal}${delims[0]}${rcptLocal}`;
  if (rcptDomain) out += `${delims[1]}${rcptDomain}`;
  if (senderDomain) out += `@${senderDomain}`;
  return out;
}
