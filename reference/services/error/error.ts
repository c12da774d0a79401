/**
 * error(8) delivery agent (transports "error" and "retry").
 *
 * Serves: DeliveryRequests from qmgr. Every recipient fails with the nexthop text as the
 * reason: an optional leading RFC 3463 status ("5.1.1 no such list") gives the DSN code,
 * otherwise 5.0.0 (error mode, status=bounced) or 4.0.0 (retry mode, status=deferred).
 * Logged as "QID: to=<..>, relay=none, ..., dsn=.., status=bounced (text)" (sendmail -bv:
 * status=undeliverable; discard's status=deliverable).
 */
import type { DeliveryAgent, DeliveryRequest, DeliveryResult, Logger, RecipientStatus } from '../contracts.ts';
import { deliveryStatusWord } from '../contracts.ts';
import { formatDeliveryLine } from '../postlogd/delivery-log.ts';

/** dsn_split(): an optional leading "X.Y.Z " status, then free text. */
export function splitDsn(text: string, defaultDsn: string): { dsn: string; text: string } {
  const m = /^\s*([245]\.\d{1,3}\.\d{1,3})(?:\s+|$)(.*)$/s.exec(text);
  return m ? { dsn: m[1], text: m[2].trim() } : { dsn: defaultDsn, text: text.trim() };
}

export interface SimpleAgentOptions {
  transport: string;
  logService: string;
  logger: Logger;
  now?: () => number;
}

/** Give every recipient of a request the same outcome, logged with relay=none. */
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
