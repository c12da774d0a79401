/**
 * The keywords smtpd(8) announces in its EHLO reply, in Postfix's order (ehlo_cmd() in
 * smtpd.c), each with the RFC text it implements and what in the reference serves it: a command
 * verb (its handler in session.ts), ESMTP parameters of MAIL FROM / RCPT TO (params.ts), or the
 * session itself (the pipelining check, enhanced status codes in every reply). session.ts
 * announces exactly the keywords of this table whose condition holds; ehlo-keywords.test.ts
 * fails when a keyword's verb has no handler or its parameters are refused as unsupported.
 *
 * XVERP (Postfix's own) is offered to the clients smtpd_authorized_verp_clients matches (empty
 * by default). Not announced, because the reference does not serve them (yet): STARTTLS (RFC
 * 3207; TLS is issue 14), AUTH (RFC 4954; SASL, issue 14), XCLIENT and XFORWARD (announced by Postfix only to
 * smtpd_authorized_xclient_hosts / _xforward_hosts, which the reference never authorizes).
 * session.ts leaves out the keywords of smtpd_discard_ehlo_keywords or, for the clients it lists,
 * smtpd_discard_ehlo_keyword_address_maps (the announcement only: a discarded keyword's command
 * or parameters are still served).
 */
import type { SmtpdSettings } from './session.ts';
import type { Verb } from './stats.ts';

/** What serves a keyword. */
export type ServedBy =
  /** A command verb with its own handler. */
  | { verb: Verb }
  /** ESMTP parameters: examples that MAIL FROM / RCPT TO must accept when the keyword is offered. */
  | { mailParams: readonly string[]; rcptParams?: readonly string[] }
  /** The session as a whole (not one command). */
  | { session: string };

export interface EhloKeyword {
  keyword: string;
  /** The RFC section that defines it. */
  rfc: string;
  servedBy: ServedBy;
  /** Offered under these settings (default: always). */
  offered?: (s: SmtpdSettings, services: OfferedServices) => boolean;
  /** The announced text when it carries an argument (SIZE's limit). */
  text?: (s: SmtpdSettings) => string;
}

/** What the session knows besides its settings: a flush(8) service, XVERP for this client. */
export interface OfferedServices {
  flush: boolean;
  verp?: boolean;
}

export const EHLO_KEYWORDS: readonly EhloKeyword[] = [
  { keyword: 'PIPELINING', rfc: 'RFC 2920 section 3', servedBy: { session: 'session.ts improperPipelining(): commands read ahead, "improper command pipelining" logged' } },
  {
    keyword: 'SIZE', rfc: 'RFC 1870 section 4', servedBy: { mailParams: ['SIZE=1000'] },
    // ENFORCING_SIZE_LIMIT(): the limit is announced when there is one.
    text: (s) => (s.messageSizeLimit > 0 ? `SIZE ${s.messageSizeLimit}` : 'SIZE'),
  },
  { keyword: 'VRFY', rfc: 'RFC 5321 section 3.5.1', servedBy: { verb: 'VRFY' }, offered: (s) => !s.disableVrfy },
  // Postfix always offers ETRN; the reference has no answer for it without a flush(8) service.
  { keyword: 'ETRN', rfc: 'RFC 1985 section 5', servedBy: { verb: 'ETRN' }, offered: (_s, services) => services.flush },
  // ehlo_cmd(): after ETRN (and STARTTLS, AUTH), for smtpd_authorized_verp_clients only
  { keyword: 'XVERP', rfc: 'Postfix VERP_README (XVERP)', servedBy: { mailParams: ['XVERP', 'XVERP=+='] }, offered: (_s, services) => services.verp === true },
  { keyword: 'ENHANCEDSTATUSCODES', rfc: 'RFC 2034 section 3', servedBy: { session: 'reply.ts: every reply but the greeting, HELO/EHLO, 354 and ETRN carries a status code' } },
  { keyword: '8BITMIME', rfc: 'RFC 6152 section 2', servedBy: { mailParams: ['BODY=8BITMIME', 'BODY=7BIT'] } },
  { keyword: 'DSN', rfc: 'RFC 3461 section 4', servedBy: { mailParams: ['RET=HDRS', 'ENVID=QQ314159'], rcptParams: ['NOTIFY=SUCCESS,DELAY', 'ORCPT=rfc822;a@example.com'] } },
  { keyword: 'SMTPUTF8', rfc: 'RFC 6531 section 3.2', servedBy: { mailParams: ['SMTPUTF8'] }, offered: (s) => s.smtputf8Enable },
  { keyword: 'CHUNKING', rfc: 'RFC 3030 section 2', servedBy: { verb: 'BDAT' } },
];

/** The EHLO reply's keyword lines under these settings, in Postfix's order. */
export function offeredKeywords(s: SmtpdSettings, services: OfferedServices): string[] {
  return EHLO_KEYWORDS.filter((k) => k.offered?.(s, services) ?? true).map((k) => k.text?.(s) ?? k.keyword);
}
