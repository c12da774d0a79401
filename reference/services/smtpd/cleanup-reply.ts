/**
 * smtpd(8)'s answer at the end of a message to cleanup's status, in the order smtpd.c checks
 * it after receiving the content: a reason that is a whole SMTP reply is sent as it is; a
 * deferral or a content rejection with a reason gets its code in front of that reason;
 * otherwise the status's entry of cleanup_strerror's table (global/cleanup-user.ts) gives
 * "<code> <dsn> Error: <text>", the most severe status first. Called by session.ts once
 * cleanup has answered a transaction that was not accepted.
 */
import { CLEANUP_STAT, cleanupStatDetail } from '../../global/cleanup-user.ts';
import { MAIL_ERROR } from '../../global/mail-error.ts';
import { parseReply, reply, type SmtpReply } from './reply.ts';

/** IS_SMTP_REJECT(): a 4xx or 5xx reply code, then a blank. */
const SMTP_REJECT = /^[45]\d\d /;

/** The statuses answered with their table entry, in smtpd.c's order (after DEFER and BAD). */
const TABLE_ORDER = [CLEANUP_STAT.SIZE, CLEANUP_STAT.HOPS, CLEANUP_STAT.CONT, CLEANUP_STAT.WRITE] as const;

const fromTable = (status: number, text?: string): SmtpReply => {
  const d = cleanupStatDetail(status);
  return reply(d.smtp, d.dsn, `Error: ${text ?? d.text}`);
};

/** The reply for a non-zero cleanup status and its optional reason ("5.7.1 text" or "550 5.7.1 text"). */
export function cleanupReply(status: number, why = ''): SmtpReply {
  if (SMTP_REJECT.test(why)) return parseReply(why);
  if (status & CLEANUP_STAT.DEFER) {
    return why ? parseReply(`${cleanupStatDetail(CLEANUP_STAT.DEFER).smtp} ${why}`) : fromTable(CLEANUP_STAT.DEFER);
  }
  if (status & CLEANUP_STAT.BAD) return fromTable(CLEANUP_STAT.BAD, `internal error ${status}`);
  for (const bit of TABLE_ORDER) {
    if (!(status & bit)) continue;
    // header_checks and body_checks may give their own status and text (Postfix: "Allow address-specific DSN status").
    if (bit === CLEANUP_STAT.CONT && why) return parseReply(`${cleanupStatDetail(bit).smtp} ${why}`);
    return fromTable(bit);
  }
  return fromTable(CLEANUP_STAT.BAD, `internal error ${status}`);
}

/**
 * The class of the error a non-zero cleanup status is (for postmaster notices, chat-notify.ts),
 * as smtpd.c classifies it in the same order as the reply: a whole reply or a deferral or a
 * content rejection is policy, an internal error software, size and hop limits bounce, a write
 * error resource.
 */
export function cleanupErrorClass(status: number, why = ''): number {
  if (status === CLEANUP_STAT.OK) return 0;
  if (SMTP_REJECT.test(why) || status & CLEANUP_STAT.DEFER) return MAIL_ERROR.POLICY;
  if (status & CLEANUP_STAT.BAD) return MAIL_ERROR.SOFTWARE;
  if (status & (CLEANUP_STAT.SIZE | CLEANUP_STAT.HOPS)) return MAIL_ERROR.BOUNCE;
  if (status & CLEANUP_STAT.CONT) return MAIL_ERROR.POLICY;
  if (status & CLEANUP_STAT.WRITE) return MAIL_ERROR.RESOURCE;
  return MAIL_ERROR.SOFTWARE;
}
