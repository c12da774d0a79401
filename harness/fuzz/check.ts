/**
 * The differential check of one configuration's addresses (property/rewrite and
 * `twinpost fuzz rewrite`):
 *   - every answer of the reference (resolve, local and remote rewrite, and the rewrite of each
 *     rewrite result) equals real Postfix's;
 *   - resolve is a function of (configuration, address): after all addresses were asked, each
 *     is resolved once more, on both sides, and must give the first answer again;
 *   - idempotence of rewrite is recorded, not assumed: where real Postfix's second rewrite
 *     differs from its first, that is a finding about Postfix (the reference must then differ in
 *     the same way, which the first check already covers); where real Postfix is idempotent the
 *     reference must be too (also covered by the first check).
 */
import type { RewriteFuzzConfig } from './rewrite-config.ts';
import type { RewriteAnswers, RewriteSession } from './session.ts';

export interface Divergence {
  config: RewriteFuzzConfig;
  address: string;
  /** What differed: "answers" (reference vs Postfix) or "resolve repeated on <side>". */
  what: string;
  /** Postfix's answers; for a repeated resolve, the first answer of that side. */
  postfix: unknown;
  /** The reference's answers; for a repeated resolve, the second answer of that side. */
  reference: unknown;
}

/** A rewrite where real Postfix's second application changed the result again. */
export interface NotIdempotent {
  address: string;
  context: 'local' | 'remote';
  once: string;
  twice: string;
}

export interface BatchResult {
  cases: number;
  divergences: Divergence[];
  notIdempotent: NotIdempotent[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function idempotenceFindings(address: string, a: RewriteAnswers): NotIdempotent[] {
  const out: NotIdempotent[] = [];
  if (a.local !== a.localAgain) out.push({ address, context: 'local', once: a.local, twice: a.localAgain });
  if (a.remote !== a.remoteAgain) out.push({ address, context: 'remote', once: a.remote, twice: a.remoteAgain });
  return out;
}

/**
 * Check `addresses` against one session. With `stopAtFirst`, returns as soon as one divergence
 * is known (the property test shrinks from there).
 */
export async function checkBatch(session: RewriteSession, addresses: string[], stopAtFirst = false): Promise<BatchResult> {
  const result: BatchResult = { cases: 0, divergences: [], notIdempotent: [] };
  const firstResolve: { address: string; real: RewriteAnswers; ref: RewriteAnswers }[] = [];
  const diverge = (address: string, what: string, postfix: unknown, reference: unknown) =>
    result.divergences.push({ config: session.config, address, what, postfix, reference });

  for (const address of addresses) {
    const real = await session.askReal(address);
    const ref = await session.askReference(address);
    result.cases++;
    result.notIdempotent.push(...idempotenceFindings(address, real));
    if (!same(real, ref)) {
      diverge(address, 'answers', real, ref);
      if (stopAtFirst) return result;
    }
    firstResolve.push({ address, real, ref });
  }
  for (const { address, real, ref } of firstResolve) {
    const [realAgain, refAgain] = [await session.real.resolve('', address), await session.reference.resolve('', address)];
    if (!same(realAgain, real.resolve)) diverge(address, 'resolve repeated on postfix', real.resolve, realAgain);
    if (!same(refAgain, ref.resolve)) diverge(address, 'resolve repeated on reference', ref.resolve, refAgain);
    if (stopAtFirst && result.divergences.length) return result;
  }
  return result;
}

/** A divergence as text: the configuration, the address, both answers. */
export function describeDivergence(d: Divergence, describeConfig: (c: RewriteFuzzConfig) => string): string {
  const indent = (s: string) => s.split('\n').map((l) => `    ${l}`).join('\n');
  return [
    `divergence (${d.what}) for address ${JSON.stringify(d.address)}`,
    '  configuration:',
    indent(describeConfig(d.config)),
    ...(d.what === 'answers'
      ? [`  postfix:   ${JSON.stringify(d.postfix)}`, `  reference: ${JSON.stringify(d.reference)}`]
      : [`  first:     ${JSON.stringify(d.postfix)}`, `  again:     ${JSON.stringify(d.reference)}`]),
  ].join('\n');
}
