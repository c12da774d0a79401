/**
 * qmgr(8) delivery scheduling for one message (qmgr_message_assign() in qmgr_message.c,
 * qmgr_deliver.c): the sorted recipients (resolve.ts) are grouped per (transport, destination)
 * in batches of at most <transport>_destination_recipient_limit (postconf(5)); every batch is
 * handed to its transport's delivery agent as one delivery request, all batches at once, each
 * when its destination's concurrency allows (destinations.ts). A batch that cannot go now —
 * no agent for the transport, the transport in defer_transports, a dead destination — is
 * deferred without an attempt (defer.ts), and so is one whose destination dies while it waits.
 * An agent that could not reach the destination at all and deferred its recipients gives the
 * destination negative feedback (a site that refused with 5xx does not). Called by
 * createQmgr's per-message pipeline (qmgr.ts), which records the statuses returned
 * (results.ts); agents are registered by master (registerAgent).
 */
import type { DeliveryAgent, DeliveryRecipient, DeliveryResult, RecipientStatus } from '../contracts.ts';
import type { QueueMessage } from '../../queue/queue-file.ts';
import type { QmgrContext } from './context.ts';
import { deferAllByRetry } from './defer.ts';
import type { Deferral, DestinationQueues } from './destinations.ts';
import type { Resolved } from './resolve.ts';
import { verpSender } from '../../global/verp.ts';

/** Recipients of one message that go to one (transport, destination) in one delivery request. */
export interface Batch {
  transport: string;
  destination: string;
  nexthop: string;
  recipients: DeliveryRecipient[];
}

/** What deliveries need beyond the context: the agents by transport and the destination queues. */
export interface Dispatch {
  ctx: QmgrContext;
  agents: ReadonlyMap<string, DeliveryAgent>;
  queues: DestinationQueues;
}

/** One message being delivered. */
export interface MessageJob {
  id: string;
  msg: QueueMessage;
  /** The queue file in active/. */
  path: string;
  /** When qmgr took the message (delays=a/b/c/d). */
  activeTime: number;
  /** DEL_REQ_FLAG_* every request of this message carries (sendmail -bv: USR_VRFY). */
  traceFlags: number;
  /** VERP delimiters (the V record): one recipient per request, each with its own sender. */
  verp?: string;
}

/**
 * Group recipients, already in deliveryOrder, per (transport, destination); a batch that is full
 * (destination_recipient_limit, 0 = no limit; 1 for a VERP message, qmgr_message.c's
 * single_rcpt) is followed by a new one for the same pair.
 */
export function assignBatches(sorted: Resolved[], singleRecipient = false): Batch[] {
  const batches: Batch[] = [];
  const open = new Map<string, Batch>();
  for (const { transport, destination, nexthop, limit, rcpt } of sorted) {
    const key = `${transport}\0${destination}`;
    let b = open.get(key);
    const max = singleRecipient ? 1 : limit;
    if (!b || (max > 0 && b.recipients.length >= max)) {
      b = { transport, destination, nexthop, recipients: [] };
      batches.push(b);
      open.set(key, b);
    }
    b.recipients.push(rcpt);
  }
  return batches;
}

/** Deliver every batch at once; the statuses in batch order. */
export async function deliverBatches(d: Dispatch, job: MessageJob, batches: Batch[]): Promise<RecipientStatus[]> {
  return (await Promise.all(batches.map((b) => deliverBatch(d, job, b)))).flat();
}

/** One batch: deferred at once, or delivered by its agent when the destination allows. */
async function deliverBatch(d: Dispatch, job: MessageJob, batch: Batch): Promise<RecipientStatus[]> {
  const agent = d.agents.get(batch.transport);
  if (!agent) return deferBatch(d, job, batch, ['4.3.0', 'mail transport unavailable']);
  const notNow = whyNotNow(d, batch.transport, batch.destination);
  if (notNow) return deferBatch(d, job, batch, notNow);
  const done = await d.queues.deliver(batch.transport, batch.destination, async (connectionFlags) => {
    const result = await agent.deliver({
      queueId: job.id, queueFile: job.path, transport: batch.transport, nexthop: batch.nexthop, sender: batchSender(job, batch),
      recipients: batch.recipients, arrivalTime: job.msg.arrivalTime, activeTime: job.activeTime, flags: connectionFlags | job.traceFlags,
    });
    return { value: result.recipients, siteFailure: siteFailure(result) };
  });
  return 'value' in done ? done.value : deferBatch(d, job, batch, done.deferred);
}

/**
 * The agent's hop status (qmgr_deliver.c throttles the queue on it): smtp(8) sets it only for a
 * soft failure of the whole site, so a site that refused with 5xx (its recipients bounced)
 * gives none.
 */
function siteFailure(result: DeliveryResult): Deferral | undefined {
  const deferred = result.destinationFailed ? result.recipients.find((r) => r.outcome === 'deferred') : undefined;
  return deferred ? [deferred.dsn, deferred.text] : undefined;
}

/**
 * The sender a batch is delivered with (qmgr_deliver.c): the message's, or with VERP the
 * sender built for the batch's one recipient from its original address (verp_sender()).
 */
function batchSender(job: MessageJob, batch: Batch): string {
  const rcpt = batch.recipients[0];
  if (job.verp === undefined || !rcpt) return job.msg.sender;
  return verpSender(job.verp, job.msg.sender, rcpt.origTo || rcpt.address);
}

/** Why a batch whose transport has an agent is deferred instead of delivered; undefined: deliver it. */
function whyNotNow(d: Dispatch, transport: string, destination: string): Deferral | undefined {
  if (d.ctx.cfg.list('defer_transports').includes(transport)) return ['4.3.2', 'deferred transport'];
  return d.queues.deadReason(transport, destination);
}

function deferBatch(d: Dispatch, job: MessageJob, batch: Batch, [dsn, text]: Deferral): Promise<RecipientStatus[]> {
  return deferAllByRetry(d.ctx, job.id, job.msg, batch.recipients, dsn, text);
}
