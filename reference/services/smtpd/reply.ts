/**
 * smtpd(8) replies as values: each SMTP command handler of session.ts returns one (code,
 * enhanced status code, text), as chasquid's handlers return code and message, and the
 * session writes it in one place (smtpd_chat_reply() in smtpd_chat.c). Replies built as text
 * by smtpd's helpers (restrictions, ETRN, the anvil limits, cleanup's answer) are taken apart
 * with parseReply, so that replyText gives their text back unchanged.
 */

export interface SmtpReply {
  code: number;
  /** RFC 3463 enhanced status code ("5.5.2"); absent where Postfix sends none (the banner, HELO, EHLO, 354, ETRN). */
  enhanced?: string;
  /** One text per reply line. */
  text: string | readonly string[];
}

/** A reply with an enhanced status code. */
export const reply = (code: number, enhanced: string, text: string): SmtpReply => ({ code, enhanced, text });

/** A reply without one. */
export const plainReply = (code: number, text: string | readonly string[]): SmtpReply => ({ code, text });

/** Did the command succeed (Postfix counts it as ok in the "disconnect from" statistics)? */
export const isPositive = (r: SmtpReply): boolean => r.code < 400;

/** The reply as one text: every line "code-text" but the last, "code text", joined with LF. */
export function replyText(r: SmtpReply): string {
  const lines = typeof r.text === 'string' ? [r.text] : r.text;
  const prefix = r.enhanced === undefined ? '' : `${r.enhanced} `;
  return lines.map((l, i) => `${r.code}${i === lines.length - 1 ? ' ' : '-'}${prefix}${l}`).join('\n');
}

/** The reply's bytes: replyText with each LF as CRLF, and a CRLF at the end. */
export const formatReply = (r: SmtpReply): string => replyText(r).replace(/\n/g, '\r\n') + '\r\n';

const REPLY_TEXT = /^(\d{3}) (?:([245]\.\d{1,3}\.\d{1,3}) )?(.*)$/s;

/** "554 5.7.1 <x>: Relay access denied" as a reply; replyText gives the same text back. */
export function parseReply(text: string): SmtpReply {
  const m = REPLY_TEXT.exec(text);
  if (!m) throw new Error(`not an SMTP reply: ${JSON.stringify(text)}`);
  return { code: Number(m[1]), enhanced: m[2], text: m[3]! };
}
