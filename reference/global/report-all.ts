/**
 * One outcome for every recipient of a delivery request, each logged with relay=none as
 * Postfix's sent() / defer_append() / bounce_append() log it (status word per
 * deliveryStatusWord: sendmail -bv says deliverable/undeliverable). Used by the delivery
 * agents that decide without delivering: error (bounce or defer) and discard (sent).
 */
import type { DeliveryRequest, DeliveryResult, Logger, RecipientStatus } from '../services/contracts.ts';
import { formatDeliveryLine } from './log-adhoc.ts';
import { deliveryStatusWord } from './deliver-request.ts';

export interface SimpleAgentOptions {
  transport: string;
  logService: string;
  logger: Logger;
  now?: () => number;
}

export function reportAll(opts: SimpleAgentOptions, req: DeliveryRequest, outcome: RecipientStatus['outcome'], dsn: string, text: string): DeliveryResult {
  const now = opts.now ?? Date.now;
  const handoff = now();
  const recipients = req.recipients.map((r): RecipientStatus => {
    opts.logger.info(opts.logService, formatDeliveryLine({
      queueId: req.queueId, to: r.address, origTo: r.origTo, relay: 'none', dsn, status: deliveryStatusWord(req.flags, outcome), text,
      times: { arrival: req.arrivalTime, active: req.activeTime, handoff, done: now() },
    }));
    return { offset: r.offset, address: r.address, outcome, dsn, text, relay: 'none' };
  });
  return { recipients };
}
