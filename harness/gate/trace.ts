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

/** Trace the message queued as `queueId` through `events` (the events since it was sent). */
export function traceMessage(queueId: string, events: MaillogEvent[]): MessageTrace {
  const ids = [queueId];
  const notifications = new Set<string>();
  const mine: MaillogEvent[] = [];
  for (const e of events) {
    if (!e.queueId || !ids.includes(e.queueId)) continue;
    mine.push(e);
    if (e.kind === 'delivery' && e.forwardedAs && !ids.includes(e.forwardedAs)) ids.push(e.forwardedAs);
    if (e.kind === 'notification' && !ids.includes(e.notificationId)) {
      ids.push(e.notificationId);
      notifications.add(e.notificationId);
    }
  }
  const settled = ids.every((id) => {
    const of = mine.filter((e) => e.queueId === id);
    // Removed, or put on hold by an access/header check (it stays there until released).
    if (of.some((e) => e.kind === 'removed' || / hold: /.test(e.raw))) return true;
    // Still queued: settled once each recipient has had its attempt and one was deferred.
    const active = of.find((e) => e.kind === 'queue-active');
    const tried = of.filter((e): e is Delivery => e.kind === 'delivery');
    return active?.kind === 'queue-active' && tried.length >= active.nrcpt && tried.some((d) => d.status === 'deferred');
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
