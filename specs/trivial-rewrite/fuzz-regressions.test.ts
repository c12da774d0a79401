// Fixed regression cases of the trivial-rewrite differential fuzzer (fuzz-regressions.json:
// configuration, address and the answers real Postfix 3.7.11 gave — resolve, local and remote
// rewrite, and the rewrite of each result). Every case is replayed on REAL Postfix (same
// answers as recorded) and on the reference (same answers as Postfix). Divergences found and
// fixed in reference/services/trivial-rewrite, and non-idempotent rewrites of real Postfix.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRegressionCases, replayCases } from '../../harness/fuzz/regressions.ts';

const cases = loadRegressionCases(fileURLToPath(new URL('./fuzz-regressions.json', import.meta.url)));

describe('trivial-rewrite fuzz regressions', () => {
  it(`replays ${cases.length} recorded cases on real Postfix and the reference`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
    expect(await replayCases(cases)).toEqual([]);
  }, 120_000);

  it('records real Postfix rewrites that are not idempotent as such', () => {
    const notIdempotent = cases.filter((c) => c.expected.local !== c.expected.localAgain || c.expected.remote !== c.expected.remoteAgain);
    expect(notIdempotent.map((c) => c.address)).toContain('x_y@LOCALHOST.');
  });
});
