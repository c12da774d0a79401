// Differential property of trivial-rewrite: for generated configurations × generated addresses,
// the reference's rewrite (local and remote, and rewrite of the result) and resolve answers equal
// REAL Postfix 3.7's, asked over private/rewrite of a private instance with the same main.cf;
// resolve asked twice gives the same answer on both sides. Seeded (TWINPOST_SEED overrides the
// fixed CI seed) and shrinking; on failure the seed and the shrunk counterexample (config,
// address, both answers) are printed. Where real Postfix's rewrite is not idempotent, that is
// printed as a finding (the reference must behave the same, which the differential covers).
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { destroyRootSync, makeInstanceRoot } from '../../harness/util/cleanup.ts';
import { rewriteConfigArb, describeConfig, type RewriteFuzzConfig } from '../../harness/fuzz/rewrite-config.ts';
import { rewriteAddressArb } from '../../harness/fuzz/rewrite-address.ts';
import { RewriteSession } from '../../harness/fuzz/session.ts';
import { checkBatch, describeDivergence, type Divergence, type NotIdempotent } from '../../harness/fuzz/check.ts';
import { fuzzSeed } from '../../harness/fuzz/seed.ts';

const SEED = fuzzSeed(process.env.TWINPOST_SEED);
const CONFIGS = 40;
/** Addresses per configuration (fixed, so every run counts; shrinking works on the elements). */
const PER_CONFIG = 50;
const MIN_CASES = 2000;
/** After the first failure, shrinking may take this long; then the smallest failure so far is reported. */
const SHRINK_BUDGET_MS = 90_000;

describe('trivial-rewrite: reference vs real Postfix (generated configurations × addresses)', () => {
  const mapDir = makeInstanceRoot('fuzz-maps');
  let session: RewriteSession | undefined;
  let sessionKey = '';
  let made = 0;

  /** One real instance per configuration; shrinking the addresses of one configuration reuses it. */
  async function sessionFor(config: RewriteFuzzConfig): Promise<RewriteSession> {
    const key = JSON.stringify(config);
    if (session && key === sessionKey) return session;
    await session?.dispose();
    session = undefined;
    session = await RewriteSession.start(config, mapDir, `transport-${made++}`);
    sessionKey = key;
    return session;
  }

  afterAll(async () => {
    try {
      await session?.dispose();
    } finally {
      destroyRootSync(mapDir);
    }
  });

  it(`agrees on at least ${MIN_CASES} cases; resolve is a function of (config, address)`, async () => {
    let cases = 0;
    let configs = 0;
    let failedAt: number | undefined;
    let lastDivergence: Divergence | undefined;
    const notIdempotent: NotIdempotent[] = [];
    const property = fc.asyncProperty(
      rewriteConfigArb,
      fc.array(rewriteAddressArb, { minLength: PER_CONFIG, maxLength: PER_CONFIG }),
      async (config, addresses) => {
        if (failedAt !== undefined && Date.now() - failedAt > SHRINK_BUDGET_MS) return true; // shrink budget spent
        const r = await checkBatch(await sessionFor(config), addresses, true);
        if (failedAt === undefined) {
          cases += r.cases;
          configs++;
          notIdempotent.push(...r.notIdempotent);
        }
        if (r.divergences.length) {
          failedAt ??= Date.now();
          lastDivergence = r.divergences[0];
          return false;
        }
        return true;
      },
    );
    const details = await fc.check(property, { seed: SEED, numRuns: CONFIGS });
    const summary = `rewrite differential: ${cases} cases, ${configs} configurations, seed ${SEED}, ` +
      `${details.failed ? 1 : 0} divergences`;
    console.log(summary);
    console.log(`rewrite idempotence: real Postfix rewrote ${notIdempotent.length} results differently a second time` +
      (notIdempotent.length ? `, e.g. ${JSON.stringify(notIdempotent.slice(0, 3))}` : ''));
    if (details.failed) {
      console.log(`seed ${SEED}, path ${details.counterexamplePath}; shrunk counterexample:\n` +
        (lastDivergence ? describeDivergence(lastDivergence, describeConfig) : String(details.errorInstance)));
    }
    expect(details.failed, details.failed ? `divergence (seed ${SEED}); see the printed counterexample` : '').toBe(false);
    expect(cases).toBeGreaterThanOrEqual(MIN_CASES);
  }, 300_000);
});
