import { describe, expect, it } from 'vitest';
import { percentile, scaled, sig, summarize } from './stats.ts';

describe('bench stats', () => {
  it('uses nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 90)).toBe(90);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(() => percentile([], 50)).toThrow(/no samples/);
  });

  it('summarizes unsorted samples and scales them', () => {
    const s = summarize([3000, 1000, 2000, 10000]);
    expect(s).toMatchObject({ samples: 4, p50: 2000, p90: 10000, max: 10000, mean: 4000 });
    expect(scaled(s, 1e-3)).toMatchObject({ p50: 2, max: 10, mean: 4 });
    expect(sig(1.23456, 3)).toBe(1.23);
  });
});
