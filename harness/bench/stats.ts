/**
 * Latency statistics for the benchmarks: nearest-rank percentiles over a list of samples
 * (nanoseconds for the rewrite benchmark, milliseconds for delivery latency), and rounding
 * helpers so bench.json stays readable.
 */

export interface LatencySummary {
  /** How many samples the figures come from (warm-up excluded). */
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending list (q in 0..100). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  const rank = Math.ceil((q / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    samples: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
  };
}

/** Round to `digits` significant digits (for figures shown to people). */
export function sig(n: number, digits = 3): number {
  if (n === 0 || !Number.isFinite(n)) return n;
  return Number(n.toPrecision(digits));
}

/** Every number of a summary rounded (e.g. ns → µs with scale 1e-3). */
export function scaled(s: LatencySummary, scale: number, digits = 3): LatencySummary {
  return {
    samples: s.samples,
    p50: sig(s.p50 * scale, digits),
    p90: sig(s.p90 * scale, digits),
    p99: sig(s.p99 * scale, digits),
    max: sig(s.max * scale, digits),
    mean: sig(s.mean * scale, digits),
  };
}
