/**
 * A seeded fuzzing campaign of trivial-rewrite (what `twinpost fuzz rewrite` runs): `runs`
 * cases = generated configurations × `perConfig` generated addresses, each configuration on a
 * fresh real instance (the next one is started while the current one is being asked), every
 * divergence collected (not only the first). Same generators and checks as property/rewrite.
 */
import fc from 'fast-check';
import { destroyRootSync, makeInstanceRoot } from '../util/cleanup.ts';
import { rewriteConfigArb, type RewriteFuzzConfig } from './rewrite-config.ts';
import { rewriteAddressArb } from './rewrite-address.ts';
import { RewriteSession } from './session.ts';
import { checkBatch, type Divergence, type NotIdempotent } from './check.ts';

export interface CampaignOptions {
  runs: number;
  seed: number;
  perConfig?: number;
  /** Called after every configuration. */
  progress?: (p: CampaignProgress) => void;
}

export interface CampaignProgress {
  cases: number;
  runs: number;
  configs: number;
  divergences: number;
  seconds: number;
}

export interface CampaignResult extends CampaignProgress {
  seed: number;
  divergenceList: Divergence[];
  notIdempotent: NotIdempotent[];
  casesPerSecond: number;
}

export const DEFAULT_PER_CONFIG = 100;

/** The generated work: configurations, each with its addresses (deterministic for a seed). */
export function campaignPlan(runs: number, seed: number, perConfig = DEFAULT_PER_CONFIG): { config: RewriteFuzzConfig; addresses: string[] }[] {
  const configs = Math.ceil(runs / perConfig);
  const plan = fc.sample(fc.tuple(rewriteConfigArb, fc.array(rewriteAddressArb, { minLength: perConfig, maxLength: perConfig })), { numRuns: configs, seed });
  let left = runs;
  return plan.map(([config, addresses]) => {
    const take = Math.min(left, addresses.length);
    left -= take;
    return { config, addresses: addresses.slice(0, take) };
  });
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const plan = campaignPlan(options.runs, options.seed, options.perConfig);
  const mapDir = makeInstanceRoot('fuzz-maps');
  const started = Date.now();
  const out: CampaignResult = {
    seed: options.seed, runs: options.runs, cases: 0, configs: 0, divergences: 0, seconds: 0, casesPerSecond: 0,
    divergenceList: [], notIdempotent: [],
  };
  const start = (i: number) => {
    const p = RewriteSession.start(plan[i].config, mapDir, `transport-${i}`);
    p.catch(() => {}); // awaited below
    return p;
  };
  let next: Promise<RewriteSession> | undefined = plan.length ? start(0) : undefined;
  try {
    for (let i = 0; i < plan.length; i++) {
      const session = await next!;
      next = i + 1 < plan.length ? start(i + 1) : undefined;
      try {
        const r = await checkBatch(session, plan[i].addresses);
        out.cases += r.cases;
        out.divergenceList.push(...r.divergences);
        out.notIdempotent.push(...r.notIdempotent);
      } finally {
        await session.dispose();
      }
      out.configs++;
      out.divergences = out.divergenceList.length;
      out.seconds = (Date.now() - started) / 1000;
      options.progress?.({ ...out });
    }
  } finally {
    if (next) await next.then((s) => s.dispose(), () => {});
    destroyRootSync(mapDir);
  }
  out.seconds = (Date.now() - started) / 1000;
  out.casesPerSecond = out.seconds > 0 ? out.cases / out.seconds : 0;
  return out;
}
