/**
 * smtpd(8)'s reading of the address argument of MAIL FROM, RCPT TO and VRFY: extract_addr() in
 * smtpd.c and the smtpd_check_addr() it ends with (smtpd_check.c). Called by session.ts's
 * MAIL, RCPT and VRFY handlers with the address token smtpdTokens() (command.ts) cut out.
 *
 * The rules, as Postfix 3.7 applies them with strict_rfc821_envelopes = no (the default):
 *  - one pair of enclosing angle brackets is dropped, then a source route "@a,@b:" (RFC 5321
 *    section 4.1.2, deprecated) up to the first ":";
 *  - the rest is parsed as an RFC 822 address list (tok822Parse()): blanks, comments and stray
 *    brackets are allowed, but more than one address is "Illegal address syntax"
 *    (`<s(comment)x@y>`, `<a@b>junk`);
 *  - the address is the internal form of that one address ("" when there is none): empty is
 *    refused except in MAIL FROM; otherwise trivial-rewrite must resolve it without
 *    RESOLVE_FLAG_ERROR (a bad domain: `s@`, `s@-x.test`), and without SMTPUTF8 the resolved
 *    domain must be ASCII.
 * Every refusal logs "warning: Illegal address syntax from CLIENT in WHERE command: TOKEN".
 */
import { quoteLocal, scan } from '../../global/tok822.ts';
import { rewriteInternal } from '../../global/rewrite-clnt.ts';
import { addressText, tok822Parse } from '../../global/tok822-parse.ts';
import { RESOLVE_FLAG_ERROR } from '../../global/resolve-clnt.ts';
import type { TrivialRewriteClient } from '../contracts.ts';
import { allAscii } from '../../global/allascii.ts';

/** An envelope address as smtpd keeps it. */
export interface EnvelopeAddress {
  /** Internal form, quotes removed (`a b@x`): what checks and replies use. */
  internal: string;
  /** External form, local part quoted where it must be (`"a b"@x`); "" for the null address. */
  address: string;
}

export interface ExtractOptions {
  /** MAIL FROM:<> is allowed; RCPT TO:<> and VRFY <> are not. */
  allowEmpty: boolean;
  /** The transaction declared SMTPUTF8: a UTF-8 domain is allowed. */
  smtputf8: boolean;
  /** The sender smtpd_check_addr() resolves with ("" at MAIL FROM). */
  sender: string;
  rewrite: TrivialRewriteClient;
  /** strict_rfc821_envelopes: the address must be written in <>, and not start with "@". */
  strict?: boolean;
}

/** The text inside one pair of enclosing angle brackets, else the token itself. */
function unbracketed(token: string): string {
  return token.length >= 2 && token.startsWith('<') && token.endsWith('>') ? token.slice(1, -1) : token;
}

/** A deprecated source route "@a,@b:user@dom" is cut at its first ":". */
function withoutRoute(text: string): string {
  const colon = text.indexOf(':');
  return text.startsWith('@') && colon >= 0 ? text.slice(colon + 1) : text;
}

/** The addresses tok822_parse() finds in `text`, each in internal form. */
export function addressesIn(text: string): string[] {
  const out: string[] = [];
  for (const n of tok822Parse(scan(text))) if (n.kind === 'address') out.push(addressText(n.toks));
  return out;
}

/**
 * smtpd_check_addr() (smtpd_resolve_addr()): does trivial-rewrite resolve `addr` (rewritten in
 * the "local" context) without error, with an ASCII domain unless SMTPUTF8 was declared?
 */
export async function checkAddr(addr: string, o: ExtractOptions): Promise<boolean> {
  if (addr === '') return true;
  const sender = o.sender === '' ? '' : await rewriteInternal(o.rewrite, 'local', o.sender);
  const r = await o.rewrite.resolve(sender, await rewriteInternal(o.rewrite, 'local', addr));
  if (r.flags & RESOLVE_FLAG_ERROR) return false;
  const at = r.recipient.lastIndexOf('@');
  const domain = at < 0 ? '' : r.recipient.slice(at + 1);
  return o.smtputf8 || allAscii(domain);
}

/** The address an envelope token holds, or undefined when Postfix finds it illegal. */
export async function extractAddress(token: string, o: ExtractOptions): Promise<EnvelopeAddress | undefined> {
  const found = addressesIn(withoutRoute(unbracketed(token)));
  if (found.length > 1 || (o.strict && !token.startsWith('<'))) return undefined;
  const internal = found[0] ?? '';
  if (internal === '' && !o.allowEmpty) return undefined;
  if (o.strict && internal.startsWith('@')) return undefined;
  if (!(await checkAddr(internal, o))) return undefined;
  return { internal, address: internal === '' ? '' : quoteLocal(internal) };
}
