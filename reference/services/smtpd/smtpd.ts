/**
 * smtpd(8) service entry: an SMTP server on one inet listener of master.cf.
 *
 * Serves: SMTP clients on the listener's address and port (one SmtpdSession per connection,
 * session.ts), in the single_server model (reference/skeleton/single-server.ts). Started by
 * master for every `inet ... smtpd` entry (daemon.ts). Consults trivial-rewrite (recipient
 * checks, through resolve-cache.ts) and hands accepted mail to cleanup. Follows smtpd(8) and
 * the smtpd_* parameters in postconf(5).
 */
import { promises as dns } from 'node:dns';
import { singleServer, type SingleServer } from '../../skeleton/single-server.ts';
import type { CleanupClient, Logger, TrivialRewriteClient } from '../contracts.ts';
import { RecipientChecker, type RestrictionSettings } from './restrictions.ts';
import { cachingResolver } from './resolve-cache.ts';
import { SmtpdSession, type SmtpdDeps, type SmtpdSettings } from './session.ts';

export interface SmtpdOptions {
  settings: SmtpdSettings;
  restrictions: RestrictionSettings;
  cleanup: CleanupClient;
  rewrite: TrivialRewriteClient;
  logger: Logger;
  now?: () => number;
  /** ETRN: flush(8) client. */
  flush?: SmtpdDeps['flush'];
  /** Connection limits through anvil(8). */
  limits?: SmtpdDeps['limits'];
}

/** Client name as Postfix finds it: reverse lookup confirmed by a forward lookup. */
export async function lookupClientName(addr: string): Promise<string> {
  try {
    const { hostname } = await dns.lookupService(addr, 0);
    if (!hostname || hostname === addr) return 'unknown';
    const forward = await dns.lookup(hostname, { all: true });
    return forward.some((f) => f.address === addr) ? hostname : 'unknown';
  } catch {
    return 'unknown'; // a lookup failed: Postfix's name for the client is "unknown" then too
  }
}

export type SmtpdServer = SingleServer;

/** One SMTP listener's server: a session per connection (single_server model). */
export function createSmtpd(opts: SmtpdOptions): SmtpdServer {
  const rewrite = cachingResolver(opts.rewrite);
  const checker = new RecipientChecker(opts.restrictions, rewrite, (text) => opts.logger.warning(opts.settings.logService, text));
  const names = new Map<string, Promise<string>>();
  const clientName = (addr: string): Promise<string> => {
    let p = names.get(addr);
    if (!p) names.set(addr, (p = lookupClientName(addr)));
    return p;
  };
  const deps: SmtpdDeps = { settings: opts.settings, cleanup: opts.cleanup, checker, rewrite, logger: opts.logger, clientName, now: opts.now, flush: opts.flush, limits: opts.limits };
  return singleServer((socket) => new SmtpdSession(socket, deps).run());
}
