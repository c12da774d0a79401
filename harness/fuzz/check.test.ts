// describeDivergence and checkBatch's bookkeeping, with stand-in sessions (no Postfix needed).
import { describe, expect, it } from 'vitest';
import { checkBatch, describeDivergence } from './check.ts';
import { describeConfig, type RewriteFuzzConfig } from './rewrite-config.ts';
import { askRewrite, type RewriteSession } from './session.ts';
import type { TrivialRewriteClient } from '../../reference/services/contracts.ts';

const config: RewriteFuzzConfig = { main: { myhostname: 'host.example.com' }, transport: [['other.example', 'relay:']] };

/** A client that rewrites by appending "@o" once and resolves with a counter if `flaky`. */
function fake(flaky: boolean, suffix = '@o'): TrivialRewriteClient {
  let n = 0;
  return {
    rewrite: async (_rule, address) => ({ address: address.includes('@') ? address : address + suffix }),
    resolve: async (_s, address) => ({ transport: 'smtp', nexthop: flaky ? String(n++) : 'x', recipient: address, flags: 0 }),
  };
}

function session(real: TrivialRewriteClient, reference: TrivialRewriteClient): RewriteSession {
  return { config, real, reference, askReal: (a: string) => askRewrite(real, a), askReference: (a: string) => askRewrite(reference, a) } as unknown as RewriteSession;
}

describe('checkBatch', () => {
  it('counts cases and finds no divergence between equal implementations', async () => {
    const r = await checkBatch(session(fake(false), fake(false)), ['u', 'v@d']);
    expect(r).toEqual({ cases: 2, divergences: [], notIdempotent: [] });
  });
  it('reports differing answers, and stops at the first one when asked to', async () => {
    const all = await checkBatch(session(fake(false), fake(false, '@p')), ['u', 'w']);
    expect(all.divergences.map((d) => [d.address, d.what])).toEqual([['u', 'answers'], ['w', 'answers']]);
    const first = await checkBatch(session(fake(false), fake(false, '@p')), ['u', 'w'], true);
    expect(first.divergences).toHaveLength(1);
    expect(describeDivergence(first.divergences[0], describeConfig)).toContain('reference: ');
  });
  it('reports a resolve that changes when asked again', async () => {
    const r = await checkBatch(session(fake(false), fake(true)), ['u@d']);
    expect(r.divergences.map((d) => d.what)).toContain('resolve repeated on reference');
    expect(describeDivergence(r.divergences.at(-1)!, describeConfig)).toMatch(/again: /);
  });
});
