import { describe, expect, it } from 'vitest';
import { scheduleDiff, scheduleFigures } from './schedule-check.ts';
import type { SinkConnection } from '../sink/types.ts';

/** Four connections of 2, 2, 1 and 0 messages; at most 3 open at once, 2 in the first 100 ms. */
function burst(): SinkConnection[] {
  const tx = (startedAt: number) => ({ mailFrom: 'a@b', mailParams: [], rcptTo: ['c@d'], rejectedRcpts: [], accepted: true, startedAt });
  const c = (id: number, openedAt: number, closedAt: number, starts: number[]): SinkConnection => ({ id, remoteAddress: '127.0.0.1', remotePort: 1, commands: [], openedAt, closedAt, transactions: starts.map(tx) });
  return [c(1, 0, 1000, [10, 500]), c(2, 50, 1000, [60, 600]), c(3, 200, 900, [250]), c(4, 950, 960, [])];
}

describe('scheduleFigures', () => {
  it('names every figure, and the early concurrency for the window the expectation gives', () => {
    expect(scheduleFigures(burst(), { maxConcurrentWithinMs: { ms: 100, range: {} } })).toEqual({
      connections: 4,
      maxConcurrent: 3,
      messagesPerConnection: 1.25,
      maxMessagesPerConnection: 2,
      maxRecipientsPerTransaction: 1,
      minGapMs: 50,
      'maxConcurrentWithin(100ms)': 2,
    });
  });
});

describe('scheduleDiff', () => {
  it('passes when every range holds', () => {
    const want = { connections: { min: 4, max: 4 }, maxConcurrent: { max: 3 }, maxConcurrentWithinMs: { ms: 100, range: { min: 1, max: 2 } }, messagesPerConnection: { min: 1 }, minGapMs: { min: 50 } };
    expect(scheduleDiff(want, scheduleFigures(burst(), want))).toEqual([]);
  });

  it('names each figure out of range with what was expected and what was observed', () => {
    const want = { connections: { min: 20, max: 30 }, maxConcurrent: { max: 2 }, maxConcurrentWithinMs: { ms: 100, range: { min: 5 } }, messagesPerConnection: { min: 1, max: 1.2 }, maxRecipientsPerTransaction: { min: 1, max: 1 }, maxMessagesPerConnection: { min: 3 } };
    expect(scheduleDiff(want, scheduleFigures(burst(), want))).toEqual([
      'connections: expected 20..30, observed 4',
      'maxConcurrent: expected ≤ 2, observed 3',
      'messagesPerConnection: expected 1..1.2, observed 1.25',
      'maxMessagesPerConnection: expected ≥ 3, observed 2',
      'maxConcurrentWithin(100ms): expected ≥ 5, observed 2',
    ]);
  });

  it('fails a bounded gap that could not be measured', () => {
    const one = burst().slice(2, 3);
    expect(scheduleDiff({ minGapMs: { min: 900 } }, scheduleFigures(one))).toEqual(['minGapMs: expected ≥ 900, observed (none)']);
  });
});
