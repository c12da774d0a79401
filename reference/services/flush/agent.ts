/**
 * The fast-flush side of a deferral (Postfix's defer_append → flush_add): a delivery agent
 * wrapped so that every recipient it defers is logged with flush(8) under the recipient's
 * domain, as real delivery agents do. A DENY (domain not in fast_flush_domains) is silent.
 * Used by the reference master around each delivery agent it registers with qmgr.
 */
import type { DeliveryAgent } from '../contracts.ts';
import type { FlushClient } from './flush.ts';

export function withFastFlush(agent: DeliveryAgent, flush: FlushClient): DeliveryAgent {
  return {
    transport: agent.transport,
    async deliver(req) {
      const result = await agent.deliver(req);
      for (const r of result.recipients) {
        if (r.outcome !== 'deferred') continue;
        const at = r.address.lastIndexOf('@');
        if (at >= 0) await flush.add(r.address.slice(at + 1), req.queueId).catch(() => undefined);
      }
      return result;
    },
  };
}
