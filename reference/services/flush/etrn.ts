/**
 * smtpd's ETRN command (smtpd(8), RFC 1985) on top of the flush client: the checks and reply
 * texts of Postfix 3.7.11's etrn_cmd (no enhanced status codes), then flush.sendSite().
 * Called by reference/services/smtpd for every ETRN.
 */
import { FLUSH_STAT_DENY, FLUSH_STAT_OK, type FlushClient } from './flush.ts';

export interface EtrnState {
  heloRequired: boolean;
  sawHelo: boolean;
  /** A MAIL FROM has been accepted and not yet finished or reset. */
  inTransaction: boolean;
  /** "name[addr]" for the warnings. */
  namaddr: string;
}

/** Postfix's valid_hostname: dot-separated labels of letters, digits, "-" and "_", not all-numeric. */
export function validHostname(name: string): boolean {
  if (!name || name.length > 255) return false;
  const labels = name.split('.');
  if (labels.some((l) => !l || l.length > 63 || !/^[A-Za-z0-9_-]+$/.test(l) || l.startsWith('-') || l.endsWith('-'))) return false;
  return !/^[0-9.]+$/.test(name);
}

/** valid_mailhost_literal: "[ipv4]" or "[ipv6:…]". */
export function validAddressLiteral(text: string): boolean {
  const m = /^\[(.*)\]$/.exec(text);
  if (!m) return false;
  const inner = m[1]!;
  if (/^ipv6:/i.test(inner)) return /^[0-9a-f:.]+$/i.test(inner.slice(5)) && inner.includes(':', 5);
  const parts = inner.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/**
 * ETRN as etrn_cmd() answers it; `restrict` is smtpd's smtpd_etrn_restrictions check for the
 * domain (its rejection reply, or undefined), asked after the syntax checks, before flush.
 */
export async function etrnCommand(
  args: string, st: EtrnState, flush: FlushClient, warn: (text: string) => void,
  restrict?: (site: string) => Promise<string | undefined>,
): Promise<{ reply: string; ok: boolean }> {
  if (st.heloRequired && !st.sawHelo) return { reply: '503 Error: send HELO/EHLO first', ok: false };
  if (st.inTransaction) return { reply: '503 Error: MAIL transaction in progress', ok: false };
  // smtpd_token() splits at C isspace(): a bare CR or a vertical tab separates words too.
  const argv = args.split(/[ \t\n\v\f\r]+/).filter(Boolean);
  if (argv.length !== 1) return { reply: '500 Syntax: ETRN domain', ok: false };
  const site = /^[@#]/.test(argv[0]!) ? argv[0]!.slice(1) : argv[0]!;
  if (!validHostname(site) && !validAddressLiteral(site)) return { reply: '501 Error: invalid parameter syntax', ok: false };
  const refused = await restrict?.(site);
  if (refused) return { reply: refused, ok: false };
  let status: number;
  try {
    status = await flush.sendSite(site);
  } catch {
    status = -1; // the flush service failed: "unable to talk to fast flush service" below
  }
  if (status === FLUSH_STAT_OK) return { reply: '250 Queuing started', ok: true };
  if (status === FLUSH_STAT_DENY) {
    warn(`reject: ETRN ${site.slice(0, 100)}... from ${st.namaddr}`);
    return { reply: `459 <${site}>: service unavailable`, ok: false };
  }
  warn(status === 3 ? `bad ETRN ${site.slice(0, 100)}... from ${st.namaddr}` : 'unable to talk to fast flush service');
  return { reply: '458 Unable to queue messages', ok: false };
}
