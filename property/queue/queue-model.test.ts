/**
 * Model-based test of the reference queue + qmgr (issue 7, part 1): fast-check generates
 * command sequences (inject via smtpd and pickup, scripted remote answers, crashes, time
 * passing, flush, postsuper hold/release/delete/requeue) and after every step the invariants
 * of invariants.ts are checked. Seeded (TWINPOST_SEED to replay), shrinking; the seed is
 * printed. Counts go to reports/queue-invariants.json.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { updateQueueReport } from '../../harness/crash/report.ts';
import { allCommands } from './commands.ts';
import { INVARIANTS } from './invariants.ts';
import { QueueModel, type KnownDivergences } from './model.ts';
import { QueueSystem } from './system.ts';

/** Known, explained differences of the reference from Postfix (model.ts KnownDivergences). */
const DIVERGENCES: KnownDivergences = {};

const RUNS = Number(process.env.TWINPOST_QUEUE_RUNS ?? 200);

describe('queue model (reference queue, cleanup, qmgr, bounce, postsuper)', () => {
  it(`keeps every invariant over ${RUNS} generated command sequences`, async () => {
    const seed = Number(process.env.TWINPOST_SEED ?? (Date.now() % 2 ** 31));
    console.log(`queue model: seed ${seed} (replay with TWINPOST_SEED=${seed})`);
    const totals = { sequences: 0, commands: 0, passes: 0, crashes: 0, dsns: 0, expired: 0, exposures: 0 };
    const started = Date.now();
    let failure: string | undefined;
    try {
      await fc.assert(
        fc.asyncProperty(fc.commands(allCommands(), { maxCommands: 25, size: 'max' }), async (cmds) => {
          const sys = await QueueSystem.create();
          const model = new QueueModel(DIVERGENCES);
          try {
            await fc.asyncModelRun(() => ({ model, real: sys }), cmds);
          } finally {
            await sys.dispose();
          }
          totals.sequences++;
          totals.commands += model.counts.steps;
          for (const k of ['passes', 'crashes', 'dsns', 'expired', 'exposures'] as const) totals[k] += model.counts[k];
        }),
        { numRuns: RUNS, seed, endOnFailure: false },
      );
    } catch (err) {
      failure = (err as Error).message;
      console.error(`queue model FAILED with seed ${seed} (replay with TWINPOST_SEED=${seed})`);
      throw err;
    } finally {
      updateQueueReport({
        model: {
          seed, runs: RUNS, ...totals, seconds: (Date.now() - started) / 1000, passed: failure === undefined,
          ...(failure ? { failure: failure.slice(0, 4000) } : {}), invariants: INVARIANTS, knownDivergences: DIVERGENCES,
        },
      });
    }
    console.log(`queue model: ${totals.sequences} sequences, ${totals.commands} commands, ${totals.passes} qmgr passes, ` +
      `${totals.crashes} crashes, ${totals.dsns} DSNs, ${totals.expired} expiries, ${totals.exposures} crash exposures`);
    expect(totals.sequences).toBeGreaterThanOrEqual(RUNS);
    expect(totals.crashes).toBeGreaterThan(0);
    expect(totals.dsns).toBeGreaterThan(0);
    expect(totals.expired).toBeGreaterThan(0);
  }, 300_000);
});
