// The short form of the smtpd differential fuzzer in CI: `twinpost fuzz smtpd --runs 20` with
// the fixed seed (TWINPOST_SEED overrides it), played on a private real Postfix and on the
// reference (smtpd-campaign.ts). The seed is printed; any divergence fails the test with its
// minimal session (shrunk as the CLI shrinks it), Postfix's transcript and the diff, and the
// command that replays it.
import { describe, expect, it } from 'vitest';
import { describeFound, runSmtpdCampaign, type SmtpdCampaignResult } from './smtpd-campaign.ts';
import { fuzzSeed } from './seed.ts';

const SEED = fuzzSeed(process.env.TWINPOST_SEED);
const RUNS = 20;
/** Shrinking a divergence before it is reported: fewer replays than the CLI spends, enough for a readable case. */
const SHRINK_BUDGET = 30;
/** 20 sessions take seconds; a divergence adds its shrinking, and a busy 2-core machine is slow. */
const TIMEOUT_MS = 10 * 60_000;

describe('smtpd: reference vs real Postfix, generated SMTP sessions (short form)', () => {
  it(`shows no divergence in ${RUNS} sessions (seed ${SEED})`, async () => {
    console.log(`smtpd fuzz short form: seed ${SEED}, ${RUNS} runs (replay: twinpost fuzz smtpd --runs ${RUNS} --seed ${SEED})`);
    const result: SmtpdCampaignResult = await runSmtpdCampaign({ runs: RUNS, seed: SEED, shrinkBudget: SHRINK_BUDGET, stopAtFirst: true });
    const report = result.found.map(describeFound).join('\n\n');
    if (report) console.log(report);
    expect(result.found.map((f) => f.kind), `divergences (seed ${SEED}):\n${report}`).toEqual([]);
    expect(result.divergent).toBe(0);
    // Every run was played on both mail systems.
    expect(result.sessions).toBeGreaterThanOrEqual(RUNS);
  }, TIMEOUT_MS);
});
