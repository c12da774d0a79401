/**
 * Mutant coverage as Stryker's instrumented code counts it (`{ static, perTest }`: mutant id →
 * times reached), and the one operation the campaign's vitest setup needs on it: add to a
 * test's coverage what a reference MTA child reached since the last look (its counts that grew).
 */

/** Mutant id → how often it was reached. */
export type CoverageCounts = Record<string, number>;

export interface MutantCoverage {
  static: CoverageCounts;
  perTest: Record<string, CoverageCounts>;
}

/** A child's counts summed over static and perTest (a child runs no tests of its own). */
export function totals(c: MutantCoverage): CoverageCounts {
  const out: CoverageCounts = {};
  for (const counts of [c.static ?? {}, ...Object.values(c.perTest ?? {})]) {
    for (const [id, n] of Object.entries(counts)) out[id] = (out[id] ?? 0) + n;
  }
  return out;
}

/**
 * Add to `target` every mutant whose total in `child` grew since the counts remembered under
 * `key` in `seen`, by how much it grew; then remember the new counts.
 */
export function addGrowth(target: CoverageCounts, child: MutantCoverage, seen: Map<string, CoverageCounts>, key: string): void {
  const now = totals(child);
  const before = seen.get(key) ?? {};
  for (const [id, n] of Object.entries(now)) {
    const grew = n - (before[id] ?? 0);
    if (grew > 0) target[id] = (target[id] ?? 0) + grew;
  }
  seen.set(key, now);
}
