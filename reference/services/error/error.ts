/**
 * error(8) delivery agent (transports "error" and "retry").
 *
 * Serves: DeliveryRequests from qmgr. Every recipient fails with the nexthop text as the
 * reason: an optional leading RFC 3463 status ("5.1.1 no such list") gives the DSN code,
 * otherwise 5.0.0 (error mode, status=bounced) or 4.0.0 (retry mode, status=deferred).
 * Logged as "QID: to=<..>, relay=none, ..., dsn=.., status=bounced (text)" (sendmail -bv:
 * status=undeliverable). Started by master through daemon.ts.
 */
import type { DeliveryAgent } from '../contracts.ts';
import { splitDsn } from '../../global/dsn-split.ts';
import { reportAll, type SimpleAgentOptions } from '../../global/report-all.ts';

export function createErrorAgent(opts: SimpleAgentOptions & { mode?: 'error' | 'retry' }): DeliveryAgent {
  const retry = opts.mode === 'retry';
  return {
    transport: opts.transport,
    async deliver(req) {
      const { dsn, text } = splitDsn(req.nexthop, retry ? '4.0.0' : '5.0.0');
      return reportAll(opts, req, retry || dsn.startsWith('4') ? 'deferred' : 'bounced', dsn, text);
    },
  };
}
