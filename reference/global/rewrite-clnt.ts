/**
 * rewrite_clnt_internal() (Postfix's global/rewrite_clnt.c): trivial-rewrite's rewrite request
 * takes and gives the external form of an address (local part quoted where it must be), while
 * resolve and the checks that follow take the internal form (quotes removed). This quotes the
 * address, rewrites it in `context`, and unquotes the answer. Used by smtpd's address checks and
 * restrictions.
 */
import type { TrivialRewriteClient } from '../services/contracts.ts';
import { internalize, quoteLocal, scan } from './tok822.ts';

export async function rewriteInternal(rewrite: TrivialRewriteClient, context: 'local' | 'remote', addr: string): Promise<string> {
  const external = (await rewrite.rewrite(context, quoteLocal(addr))).address;
  return internalize(scan(external));
}
