/**
 * The `sink-schedule` step's check: the figures of a sink's schedule (harness/sink/schedule.ts)
 * against the ranges a scenario gives, measured on real Postfix. Called by run.ts for the
 * step, and by `twinpost run --repeat` (commands/spread.ts), which prints the spread of the same
 * figures over repeated runs.
 */
import type { Range, ScheduleExpect } from './types.ts';
import type { SinkConnection } from '../sink/types.ts';
import { deliveryPosition, maxConcurrentWithin, scheduleSummary } from '../sink/schedule.ts';

/** The figures of one schedule by name, e.g. { connections: 25, 'maxConcurrentWithin(1000ms)': 10 }. */
export type ScheduleFigures = Record<string, number>;

/** The figure name of maxConcurrentWithinMs for a window of `ms`. */
export function withinName(ms: number): string {
  return `maxConcurrentWithin(${ms}ms)`;
}

/** The figure name of a position for the recipient `to`. */
export function positionName(to: string): string {
  return `position(${to})`;
}

/**
 * Every figure of a schedule (minGapMs only with two transactions or more), plus the early
 * concurrency for the window `expect` names and the position of each recipient it names
 * (left out for a recipient that got nothing).
 */
export function scheduleFigures(conns: readonly SinkConnection[], expect: ScheduleExpect = {}): ScheduleFigures {
  const s = scheduleSummary(conns);
  const out: ScheduleFigures = {
    connections: s.connections,
    maxConcurrent: s.maxConcurrent,
    messagesPerConnection: Math.round(s.messagesPerConnection.mean * 100) / 100,
    maxMessagesPerConnection: s.messagesPerConnection.max,
    maxRecipientsPerTransaction: s.maxRecipientsPerTransaction,
  };
  if (s.minGapMs !== undefined) out.minGapMs = s.minGapMs;
  if (expect.maxConcurrentWithinMs) out[withinName(expect.maxConcurrentWithinMs.ms)] = maxConcurrentWithin(conns, expect.maxConcurrentWithinMs.ms);
  for (const p of expect.positions ?? []) {
    const at = deliveryPosition(conns, p.to);
    if (at !== undefined) out[positionName(p.to)] = at;
  }
  return out;
}

/** The ranges of `expect` by figure name. */
export function expectedRanges(expect: ScheduleExpect): Record<string, Range> {
  const { maxConcurrentWithinMs, positions, ...plain } = expect;
  const out: Record<string, Range> = { ...plain };
  if (maxConcurrentWithinMs) out[withinName(maxConcurrentWithinMs.ms)] = maxConcurrentWithinMs.range;
  for (const p of positions ?? []) out[positionName(p.to)] = p.range;
  return out;
}

export function showRange(r: Range): string {
  if (r.min !== undefined && r.max !== undefined) return r.min === r.max ? `${r.min}` : `${r.min}..${r.max}`;
  if (r.min !== undefined) return `≥ ${r.min}`;
  if (r.max !== undefined) return `≤ ${r.max}`;
  return 'any';
}

function inRange(v: number | undefined, r: Range): boolean {
  if (v === undefined) return r.min === undefined && r.max === undefined;
  return (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max);
}

/**
 * One line per figure out of its range ("connections: expected 20..30, observed 40"), empty
 * when every range holds. A figure that could not be measured (minGapMs with one transaction)
 * is out of any bounded range.
 */
export function scheduleDiff(expect: ScheduleExpect, figures: ScheduleFigures): string[] {
  const out: string[] = [];
  for (const [name, range] of Object.entries(expectedRanges(expect))) {
    const v = figures[name];
    if (!inRange(v, range)) out.push(`${name}: expected ${showRange(range)}, observed ${v ?? '(none)'}`);
  }
  return out;
}
