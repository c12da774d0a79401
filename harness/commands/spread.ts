/**
 * `twinpost run --repeat N`: the run-to-run spread of a scenario's schedule figures. Each
 * sink-schedule step of a scenario measures figures (scenario/schedule-check.ts); over N runs
 * of one target this gives, per step and figure, the lowest, the median and the highest value,
 * and how many runs were out of the step's range. Real Postfix's spread is what a scheduling
 * scenario's ranges are chosen from (issue 23: ranges that 10 real runs meet with a margin).
 * Called by commands/run.ts.
 */
import type { ScheduleRecord } from '../scenario/run.ts';
import type { Scenario } from '../scenario/types.ts';
import { expectedRanges, scheduleDiff, showRange } from '../scenario/schedule-check.ts';

export interface FigureSpread {
  /** "step 7 sink remote" */
  where: string;
  figure: string;
  values: number[];
  min: number;
  median: number;
  max: number;
  /** The range the scenario gives for this figure ("any" when none). */
  range: string;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The spread of every figure over the runs, one entry per (step, figure), in the order first measured. */
export function scheduleSpread(scenario: Scenario, runs: readonly (readonly ScheduleRecord[])[]): FigureSpread[] {
  const byKey = new Map<string, FigureSpread>();
  for (const records of runs) {
    for (const r of records) {
      const step = scenario.steps[r.step - 1];
      const ranges = step?.kind === 'sink-schedule' ? expectedRanges(step.expect) : {};
      for (const [figure, v] of Object.entries(r.figures)) {
        const where = `step ${r.step} sink ${r.sink}`;
        const key = `${where}\0${figure}`;
        let s = byKey.get(key);
        if (!s) byKey.set(key, (s = { where, figure, values: [], min: 0, median: 0, max: 0, range: ranges[figure] ? showRange(ranges[figure]) : 'any' }));
        s.values.push(v);
      }
    }
  }
  return [...byKey.values()].map((s) => ({ ...s, min: Math.min(...s.values), median: median(s.values), max: Math.max(...s.values) }));
}

/** How many runs had a figure out of its step's range. */
export function runsOutOfRange(scenario: Scenario, runs: readonly (readonly ScheduleRecord[])[]): number {
  return runs.filter((records) =>
    records.some((r) => {
      const step = scenario.steps[r.step - 1];
      return step?.kind === 'sink-schedule' && scheduleDiff(step.expect, r.figures).length > 0;
    }),
  ).length;
}

/** The spread as a text table, one line per figure. */
export function formatSpread(spread: readonly FigureSpread[], runs: number): string {
  if (spread.length === 0) return '  (no sink-schedule step measured anything)';
  const head = `  ${'where'.padEnd(22)} ${'figure'.padEnd(30)} ${'min'.padStart(7)} ${'median'.padStart(7)} ${'max'.padStart(7)}  range   (${runs} runs)`;
  const lines = spread.map((s) => `  ${s.where.padEnd(22)} ${s.figure.padEnd(30)} ${fmt(s.min)} ${fmt(s.median)} ${fmt(s.max)}  ${s.range}   [${s.values.join(' ')}]`);
  return [head, ...lines].join('\n');
}

function fmt(v: number): string {
  return String(Math.round(v * 100) / 100).padStart(7);
}
