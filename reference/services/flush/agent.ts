/**
 * The fast-flush side of a deferral (Postfix's defer_append → flush_add): a delivery agent
 * wrapped so that every recipient it defers is logged with flush(8) under the recipient's
 * domain, as real delivery agents do. A DENY (domain not in fast_flush_domains) is silent; any
 * other failure is logged as defer_append() logs it ("unable to talk to fast flush service")
 * and delivery goes on: only a later ETRN misses the message.
 * Used by the reference master around each delivery agent it registers with qmgr.
 */
import type { DeliveryAgent } from '../contracts.ts';
import { FLUSH_STAT_DENY, FLUSH_STAT_FAIL, FLUSH_STAT_OK, type FlushClient } from './flush.ts';

/** `warn` logs a warning as the delivery agent. */
export function withFastFlush(agent: DeliveryAgent, flush: FlushClient, warn: (text: string) => void): DeliveryAgent {
  return {
    transport: agent.transport,
    async deliver(req) {
      const result = await agent.deliver(req);
      for (const r of result.recipients) {
        if (r.outcome !== 'deferred') continue;
        const at = r.address.lastIndexOf('@');
        if (at < 0) continue;
        const status = await flush.add(r.address.slice(at + 1), req.queueId).catch(() => FLUSH_STAT_FAIL);
        if (status !== FLUSH_STAT_OK && status !== FLUSH_STAT_DENY) warn('unable to talk to fast flush service');
      }
      return result;
    },
  };
}
