import { describe, expect, it } from 'vitest';
import { formatSpread, median, runsOutOfRange, scheduleSpread } from './spread.ts';
import type { Scenario } from '../scenario/types.ts';

const scenario: Scenario = {
  id: 't/spread',
  title: 't',
  description: 't',
  config: { main: {} },
  steps: [{ kind: 'flush' }, { kind: 'sink-schedule', sink: 'remote', expect: { connections: { min: 20, max: 30 } } }],
  expect: {},
};

const run = (connections: number, maxConcurrent: number) => [{ step: 2, sink: 'remote', figures: { connections, maxConcurrent } }];

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('scheduleSpread', () => {
  it('gives min, median and max of each figure over the runs, with the range the step sets', () => {
    const spread = scheduleSpread(scenario, [run(25, 20), run(31, 19), run(24, 20)]);
    expect(spread).toEqual([
      { where: 'step 2 sink remote', figure: 'connections', values: [25, 31, 24], min: 24, median: 25, max: 31, range: '20..30' },
      { where: 'step 2 sink remote', figure: 'maxConcurrent', values: [20, 19, 20], min: 19, median: 20, max: 20, range: 'any' },
    ]);
    expect(formatSpread(spread, 3)).toMatch(/connections\s+24\s+25\s+31\s+20\.\.30\s+\[25 31 24\]/);
  });

  it('counts the runs with a figure out of its range', () => {
    expect(runsOutOfRange(scenario, [run(25, 20), run(31, 19), run(19, 20)])).toBe(2);
  });
});
