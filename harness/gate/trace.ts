/**
 * Follows one submitted message through the maillog: the queue IDs it spawned (local's
 * "forwarded as", bounce/defer notifications), when it is settled (every queue file removed,
 * or left deferred after every recipient was tried), and what became of each recipient —
 * joined with the capture peer that received each relayed copy, so every delivery carries the
 * destination host it was meant for.
 */
import type { Delivery, MaillogEvent } from '../observe/events.ts';
import type { SinkTransaction } from '../sink/types.ts';
import type { GateNetwork } from './network.ts';

export interface MessageTrace {
  /** The message's queue ID, then every queue ID it spawned, in order of appearance. */
  ids: string[];
  /** Queue IDs of bounce/defer/trace notifications among `ids`. */
  notifications: Set<string>;
  /** Every maillog event naming one of `ids`. */
  events: MaillogEvent[];
  settled: boolean;
}

/**
 * Trace the message queued as `queueId` through `events` (the events since it was sent).
 * The maillog does not keep cause before effect: the re-injected copy's cleanup line comes
 * before local's "forwarded as", and qmgr's "removed" can come before local's delivery line
 * or bounce's "sender non-delivery notification" (both seen in CI).
 * So the queue IDs are collected until no new one appears, then every line of each is taken,
 * and a removed queue file counts as settled only once every recipient's line is there.
 */
export function traceMessage(queueId: string, events: MaillogEvent[]): MessageTrace {
  const ids = [queueId];
  const notifications = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of events) {
      if (!e.queueId || !ids.includes(e.queueId)) continue;
      const spawned = e.kind === 'delivery' ? e.forwardedAs : e.kind === 'notification' ? e.notificationId : undefined;
      if (!spawned || ids.includes(spawned)) continue;
      ids.push(spawned);
      if (e.kind === 'notification') notifications.add(spawned);
      grew = true;
    }
  }
  const mine = events.filter((e) => e.queueId !== undefined && ids.includes(e.queueId));
  const settled = ids.every((id) => {
    const of = mine.filter((e) => e.queueId === id);
    // Put on hold by an access/header check: it stays there until released.
    if (of.some((e) => / hold: /.test(e.raw))) return true;
    const active = of.find((e) => e.kind === 'queue-active');
    const tried = of.filter((e): e is Delivery => e.kind === 'delivery');
    const everyRecipientTried = active?.kind === 'queue-active' && tried.length >= active.nrcpt;
    // A bounced recipient of a message with a sender means a notification is on its way; its
    // line ("sender non-delivery notification: QID") can come after qmgr's "removed".
    const notificationDue = active?.kind === 'queue-active' && active.from !== '' && tried.some((d) => d.status === 'bounced');
    if (notificationDue && !of.some((e) => e.kind === 'notification')) return false;
    // Removed: settled once each recipient's line is in (a file removed before it was ever
    // active, e.g. discarded by cleanup, has none to wait for).
    if (of.some((e) => e.kind === 'removed')) return active === undefined || everyRecipientTried;
    // Still queued: settled once each recipient has had its attempt and one was deferred.
    return everyRecipientTried && tried.some((d) => d.status === 'deferred');
  });
  return { ids, notifications, events: mine, settled };
}

/** One recipient's outcome, as Postfix logged it, with the peer that received it. */
export interface Outcome {
  queueId: string;
  /** True when the queue file is a bounce/defer notification, not the message itself. */
  notification: boolean;
  to: string;
  origTo?: string;
  status: string;
  /** "local", "virtual", "host[addr]:port", "none" … as logged. */
  relay: string;
  text: string;
  forwardedAs?: string;
  /** For a relayed copy: the destination host (the name looked up) and what it received. */
  host?: string;
  transaction?: SinkTransaction;
}

export function outcomes(trace: MessageTrace, net: GateNetwork): Outcome[] {
  const out: Outcome[] = [];
  for (const e of trace.events) {
    if (e.kind !== 'delivery') continue;
    const o: Outcome = { queueId: e.queueId!, notification: trace.notifications.has(e.queueId!), to: e.to, status: e.status, relay: e.relay, text: e.text };
    if (e.origTo) o.origTo = e.origTo;
    if (e.forwardedAs) o.forwardedAs = e.forwardedAs;
    const addr = /\[([\d.]+)\](?::\d+)?$/.exec(e.relay)?.[1];
    const peer = addr ? net.peerAt(addr) : undefined;
    if (peer) {
      o.host = peer.host;
      const sinkId = /queued as ([0-9A-F]+)/.exec(e.text)?.[1];
      const tx = sinkId ? peer.sink.transactions().find((t) => t.dataReply?.includes(`queued as ${sinkId}`)) : undefined;
      if (tx) o.transaction = tx;
    }
    out.push(o);
  }
  return out;
}

/** The story of a message for a failure report: one line per logged event of its queue files. */
export function story(trace: MessageTrace, max = 40): string[] {
  const lines = trace.events.map((e) => e.raw.replace(/^.*?postfix[^:]*\/([\w-]+)\[\d+\]: /, '$1: '));
  return lines.length > max ? [...lines.slice(0, max), `… ${lines.length - max} more line(s)`] : lines;
}
