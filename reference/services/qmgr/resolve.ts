/**
 * qmgr(8) recipient resolution and sorting (qmgr_message_resolve() and qmgr_message_sort() in
 * qmgr_message.c): each recipient still to do is resolved through trivial-rewrite, one after the
 * other as qmgr does, to (transport, nexthop, recipient) and given its destination queue name —
 * the nexthop, or local@nexthop when the transport's destination_recipient_limit is 1
 * (postconf(5) transport_destination_recipient_limit); a recipient the resolver fails on is
 * deferred through the retry service at once ("address resolver failure"). deliveryOrder is
 * qmgr_message_sort's order. Called by createQmgr's per-message pipeline (qmgr.ts); deliver.ts
 * batches the sorted result.
 */
import type { DeliveryRecipient, RecipientStatus, ResolveReply } from '../contracts.ts';
import { RESOLVE_FLAG_FAIL } from '../../global/resolve-clnt.ts';
import { internalize, scan } from '../../global/tok822.ts';
import type { QueuedRecipient, QueueMessage } from '../../queue/queue-file.ts';
import { transportParam, type QmgrContext, type QmgrParams } from './context.ts';
import { deferByRetry } from './defer.ts';

/** A recipient after trivial-rewrite answered, before it joins a batch. */
export interface Resolved {
  transport: string;
  /** The destination queue's name: the nexthop, or local@nexthop (see destinationOf). */
  destination: string;
  nexthop: string;
  /** <transport>_destination_recipient_limit (0 = no limit). */
  limit: number;
  rcpt: DeliveryRecipient;
}

/** Recipients qmgr can hand to an agent, and those the resolver failed on (already deferred). */
export interface Resolution {
  resolved: Resolved[];
  failed: RecipientStatus[];
}

/** Resolve every recipient to do, sequentially; the failures are deferred (and logged) as they come. */
export async function resolveRecipients(ctx: QmgrContext, id: string, msg: QueueMessage, todo: QueuedRecipient[]): Promise<Resolution> {
  const resolved: Resolved[] = [];
  const failed: RecipientStatus[] = [];
  for (const r of todo) {
    const rcpt = deliveryRecipient(r);
    const res = await ctx.rewrite.resolve(msg.sender, r.address);
    if (res.flags & RESOLVE_FLAG_FAIL) failed.push(await deferByRetry(ctx, id, msg, rcpt, '4.3.0', 'address resolver failure'));
    else resolved.push(withResolution(ctx.cfg, rcpt, res));
  }
  return { resolved, failed };
}

/** The queue file's recipient as a delivery request carries it. */
function deliveryRecipient(r: QueuedRecipient): DeliveryRecipient {
  return { offset: r.offset, address: r.address, origTo: r.origTo, dsnNotify: r.dsnNotify, dsnOrcpt: r.dsnOrcpt };
}

function withResolution(cfg: QmgrParams, rcpt: DeliveryRecipient, res: ResolveReply): Resolved {
  const limit = transportParam(cfg, res.transport, 'destination_recipient_limit');
  const destination = limit === 1 ? destinationOf(cfg, res) : res.nexthop;
  return { transport: res.transport, destination, nexthop: res.nexthop, limit, rcpt: { ...rcpt, address: res.recipient || rcpt.address } };
}

/**
 * The per-recipient destination queue of a transport with destination_recipient_limit 1:
 * local@nexthop, the local part lowercased and cut at the first recipient_delimiter.
 */
function destinationOf(cfg: QmgrParams, res: ResolveReply): string {
  const local = res.recipient.slice(0, Math.max(0, res.recipient.lastIndexOf('@'))) || res.recipient;
  const delim = cfg.get('recipient_delimiter');
  const base = delim ? local.split(new RegExp(`[${delim.replace(/[\]\\^-]/g, '\\$&')}]`))[0] : local;
  return `${base.toLowerCase()}@${res.nexthop}`;
}

/**
 * qmgr_message_sort's order: transport, then destination (the queue name), then the
 * recipient's domain without regard to case, then the whole address, byte for byte, in
 * internal form. Batches, and the recipients inside each, follow it.
 */
export function deliveryOrder(a: Resolved, b: Resolved): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const byQueue = cmp(a.transport, b.transport) || cmp(a.destination, b.destination);
  if (byQueue) return byQueue;
  const [x, y] = [internalForm(a.rcpt.address), internalForm(b.rcpt.address)];
  const [dx, dy] = [x.lastIndexOf('@'), y.lastIndexOf('@')];
  if (dx < 0 || dy < 0) return dx < 0 && dy < 0 ? cmp(x, y) : dx < 0 ? 1 : -1;
  return cmp(x.slice(dx).toLowerCase(), y.slice(dy).toLowerCase()) || cmp(x, y);
}

const internalForm = (address: string) => (address.includes('"') ? internalize(scan(address)) : address);
