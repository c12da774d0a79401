/**
 * smtpd's connection limits through anvil (smtpd(8): smtpd_client_connection_count_limit,
 * smtpd_client_connection_rate_limit, smtpd_client_event_limit_exceptions): at connect, a
 * client that is not exempt is registered with anvil; over either limit it gets Postfix
 * 3.7.11's 421 and smtpd logs its warning. Called by reference/services/smtpd per session.
 */
import { anvilIdent, type Anvil, type AnvilSession } from './anvil.ts';

export interface ConnectLimits {
  anvil: Anvil;
  /** master.cf service name, e.g. "127.0.0.1:2525" (part of the anvil ident and the warning). */
  service: string;
  myhostname: string;
  /** smtpd_client_connection_count_limit (0 = off). */
  countLimit: number;
  /** smtpd_client_connection_rate_limit (0 = off). */
  rateLimit: number;
  /** smtpd_client_event_limit_exceptions matched against the client. */
  exempt: (clientAddr: string) => boolean;
}

export interface ConnectCheck {
  /** The anvil registration; close() at the end of the SMTP session. */
  session?: AnvilSession;
  /** When over a limit: the greeting to send instead of 220, and the warning to log. */
  refuse?: { reply: string; warning: string };
}

export function checkConnectLimits(l: ConnectLimits, clientAddr: string, namaddr: string): ConnectCheck {
  if ((l.countLimit <= 0 && l.rateLimit <= 0) || l.exempt(clientAddr)) return {};
  const session = l.anvil.session();
  const r = session.connect(anvilIdent(l.service, clientAddr));
  const reply = `421 4.7.0 ${l.myhostname} Error: too many connections from ${clientAddr}`;
  if (l.countLimit > 0 && r.count > l.countLimit) {
    return { session, refuse: { reply, warning: `Connection concurrency limit exceeded: ${r.count} from ${namaddr} for service ${l.service}` } };
  }
  if (l.rateLimit > 0 && r.rate > l.rateLimit) {
    return { session, refuse: { reply, warning: `Connection rate limit exceeded: ${r.rate} from ${namaddr} for service ${l.service}` } };
  }
  return { session };
}
