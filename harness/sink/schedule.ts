/**
 * How a mail system scheduled its deliveries to one capture peer, from the peer's connection
 * records alone (openedAt/closedAt per connection, startedAt per transaction): how many
 * connections it opened, how many were open at once over time (overall and early on, where
 * qmgr's slow start shows), how many messages each connection carried (connection reuse), how
 * many recipients one transaction carried, and the shortest time between two successive
 * deliveries (rate delay). Called by the scenario runner's `sink-schedule` step, by
 * `twinpost run --repeat` (the spread over repeated runs) and by the HTML report's timeline.
 * The Postfix behaviour it makes visible is qmgr(8)'s and SCHEDULER_README's; this module only
 * measures.
 */
import type { SinkConnection } from './types.ts';

/** One point of the concurrency timeline: from `t` ms after the first connection, `open` connections were open. */
export interface TimelinePoint {
  t: number;
  open: number;
}

export interface ScheduleSummary {
  /** Connections opened. */
  connections: number;
  /**
   * The most connections open at one time, as the peer sees them: an idle session smtp(8) keeps
   * in scache(8) for reuse counts as open.
   */
  maxConcurrent: number;
  /** Accepted messages per connection (every connection counts, also one that carried none). */
  messagesPerConnection: { mean: number; min: number; max: number };
  /** The most accepted recipients in one transaction (0 without a transaction). */
  maxRecipientsPerTransaction: number;
  /** The shortest time between the starts (MAIL FROM) of two successive transactions; undefined with fewer than two. */
  minGapMs?: number;
  /** How concurrency changed, from the first connection on. */
  timeline: TimelinePoint[];
}

/** A change of the number of open connections at one instant. */
interface Change {
  at: number;
  delta: 1 | -1;
}

/**
 * Opens and closes in time order; at one instant a close comes before an open, so a
 * connection that ends the moment another starts is not counted as running beside it. A
 * connection still open has no close.
 */
function changes(conns: readonly SinkConnection[]): Change[] {
  const out: Change[] = [];
  for (const c of conns) {
    out.push({ at: c.openedAt, delta: 1 });
    if (c.closedAt !== undefined) out.push({ at: c.closedAt, delta: -1 });
  }
  return out.sort((a, b) => a.at - b.at || a.delta - b.delta);
}

/** The number of open connections after each change, times relative to the first connection. */
export function concurrencyTimeline(conns: readonly SinkConnection[]): TimelinePoint[] {
  const all = changes(conns);
  const start = all[0]?.at ?? 0;
  const points: TimelinePoint[] = [];
  let open = 0;
  for (const ch of all) {
    open += ch.delta;
    const t = ch.at - start;
    const last = points[points.length - 1];
    if (last && last.t === t) last.open = open;
    else points.push({ t, open });
  }
  return points;
}

/** The most connections open at one time within the first `ms` milliseconds after the first connection opened. */
export function maxConcurrentWithin(conns: readonly SinkConnection[], ms: number): number {
  return Math.max(0, ...concurrencyTimeline(conns).filter((p) => p.t < ms).map((p) => p.open));
}

function acceptedCount(c: SinkConnection): number {
  return c.transactions.filter((t) => t.accepted).length;
}

/** The shortest interval between successive transaction starts, over all connections. */
function minGap(conns: readonly SinkConnection[]): number | undefined {
  const starts = conns.flatMap((c) => c.transactions.map((t) => t.startedAt)).filter((t): t is number => t !== undefined).sort((a, b) => a - b);
  if (starts.length < 2) return undefined;
  let best = Infinity;
  for (let i = 1; i < starts.length; i++) best = Math.min(best, starts[i]! - starts[i - 1]!);
  return best;
}

/**
 * Where the first delivery to `to` came among all accepted transactions, in the order they
 * started (1 = the first); undefined when `to` got nothing. Shows whether qmgr's job
 * scheduler let a message overtake another (preemption).
 */
export function deliveryPosition(conns: readonly SinkConnection[], to: string): number | undefined {
  const accepted = conns.flatMap((c) => c.transactions.filter((t) => t.accepted)).sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
  const i = accepted.findIndex((t) => t.rcptTo.includes(to));
  return i < 0 ? undefined : i + 1;
}

export function scheduleSummary(conns: readonly SinkConnection[]): ScheduleSummary {
  const per = conns.map(acceptedCount);
  const total = per.reduce((a, b) => a + b, 0);
  const recipients = conns.flatMap((c) => c.transactions.filter((t) => t.accepted).map((t) => t.rcptTo.length));
  const timeline = concurrencyTimeline(conns);
  const gap = minGap(conns);
  return {
    connections: conns.length,
    maxConcurrent: Math.max(0, ...timeline.map((p) => p.open)),
    messagesPerConnection: { mean: per.length ? total / per.length : 0, min: per.length ? Math.min(...per) : 0, max: per.length ? Math.max(...per) : 0 },
    maxRecipientsPerTransaction: Math.max(0, ...recipients),
    ...(gap === undefined ? {} : { minGapMs: gap }),
    timeline,
  };
}
