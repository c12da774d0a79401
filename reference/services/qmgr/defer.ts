/**
 * qmgr(8) deferring recipients itself, without a delivery attempt (qmgr_defer.c, and the
 * QMGR_REDIRECT of such recipients to the retry service): a dead destination, a transport in
 * defer_transports or without an agent, a resolver failure. Each recipient gets the delivery
 * status line with relay=none, logged as error(8) — the retry service — logs it, and a
 * "deferred" status that results.ts records like an agent's. Called by resolve.ts (resolver
 * failures) and deliver.ts (batches that cannot go now).
 *
 * Differs from Postfix: these recipients are not added to flush(8)'s per-site logs, so a later
 * ETRN does not list them; agents' deferrals are (flush/agent.ts). No scenario shows it yet.
 */
import type { DeliveryRecipient, RecipientStatus } from '../contracts.ts';
import { deliveryStatusWord } from '../../global/deliver-request.ts';
import type { QueueMessage } from '../../queue/queue-file.ts';
import { formatDeliveryLine } from '../../global/log-adhoc.ts';
import { RETRY_LOGGER, type QmgrContext } from './context.ts';
import { traceFlagsOf } from './message.ts';

/** Defer one recipient through the retry service: log its line, return its status. */
export async function deferByRetry(ctx: QmgrContext, id: string, msg: QueueMessage, r: DeliveryRecipient, dsn: string, text: string): Promise<RecipientStatus> {
  ctx.logger.info(RETRY_LOGGER, formatDeliveryLine({
    queueId: id, to: r.address, origTo: r.origTo, relay: 'none', dsn, status: deliveryStatusWord(traceFlagsOf(msg), 'deferred'), text,
    times: { arrival: msg.arrivalTime, active: ctx.clock(), done: ctx.clock() },
  }));
  return { offset: r.offset, address: r.address, outcome: 'deferred', dsn, text, relay: 'none' };
}

/** Defer every recipient of a batch, in order. */
export async function deferAllByRetry(ctx: QmgrContext, id: string, msg: QueueMessage, recipients: DeliveryRecipient[], dsn: string, text: string): Promise<RecipientStatus[]> {
  const out: RecipientStatus[] = [];
  for (const r of recipients) out.push(await deferByRetry(ctx, id, msg, r, dsn, text));
  return out;
}
