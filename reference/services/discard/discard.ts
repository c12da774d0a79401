/**
 * discard(8) delivery agent (transport "discard").
 *
 * Serves: DeliveryRequests from qmgr. Reports every recipient as delivered without delivering;
 * the nexthop text is the reason (an optional leading "2.x.y" status gives the DSN code,
 * default 2.0.0): "QID: to=<..>, relay=none, ..., dsn=2.0.0, status=sent (text)". Started by
 * master through daemon.ts.
 */
import type { DeliveryAgent } from '../contracts.ts';
import { splitDsn } from '../../global/dsn-split.ts';
import { reportAll, type SimpleAgentOptions } from '../../global/report-all.ts';

export function createDiscardAgent(opts: SimpleAgentOptions): DeliveryAgent {
  return {
    transport: opts.transport,
    async deliver(req) {
      const { dsn, text } = splitDsn(req.nexthop, '2.0.0');
      return reportAll(opts, req, 'sent', dsn, text);
    },
  };
}
