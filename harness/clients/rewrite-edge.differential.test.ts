// Differential test, edge cases: tables that cannot be opened (FAIL answers) and seeded random
// addresses, reference trivial-rewrite vs REAL Postfix 3.7 over private/rewrite.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rewriteCorpus } from './rewrite-corpus.ts';
import { BASE, disagreements, mapFiles, realInstance } from './rewrite-differential.ts';
import { createTrivialRewrite } from '../../reference/services/trivial-rewrite/index.ts';
import { loadMainCf } from '../../reference/config/index.ts';

const mapsDir = mapFiles().dir;

const UNAVAILABLE: Record<string, () => Record<string, string>> = {
  // Tables that cannot be opened: lookups fail, the answer carries FAIL and whatever was decided so far.
  'unavailable transport_maps': () => ({ transport_maps: `texthash:${mapsDir}/missing/transport` }),
  'unavailable relay_domains table': () => ({ relay_domains: `relay.example, texthash:${mapsDir}/missing/relay` }),
  'unavailable mydestination table': () => ({ mydestination: `host.example.com, texthash:${mapsDir}/missing/mydest` }),
};

for (const [name, extra] of Object.entries(UNAVAILABLE)) {
  describe(`trivial-rewrite vs real Postfix: ${name}`, () => {
    const instance = realInstance({ ...BASE, ...extra() });
    it('fails the same requests with the same partial answers', async () => {
      const ref = createTrivialRewrite(loadMainCf(instance.pf.configDir));
      const addresses = rewriteCorpus().filter((_, i) => i % 3 === 0);
      expect(await disagreements(instance.real, ref, addresses)).toEqual([]);
    });
  });
}

// Random addresses from a fixed seed (so failures reproduce): fragments rich in RFC 822
// specials, routing operators, literals, blanks and UTF-8, with bang paths and the percent hack
// off and quoted local parts left closed, against the real daemon.
describe('trivial-rewrite vs real Postfix: random addresses (seeded)', () => {
  const params = { ...BASE, swap_bangpath: 'no', allow_percent_hack: 'no', resolve_dequoted_address: 'no', append_dot_mydomain: 'yes', remote_header_rewrite_domain: 'rw.example' };
  const instance = realInstance(params);

  it('agrees on 1500 generated addresses', async () => {
    const piece = fc.constantFrom(
      'u', 'x', 'host', 'example', 'com', 'localhost', 'relay', 'valias', '@', '.', '..', '%', '!', '"', ' ', '\\', '(', ')',
      '[', ']', '<', '>', ',', ':', ';', '127.0.0.1', '[IPv6:::1]', '+', '-', 'ü', '\t', '|', 'host.example.com', 'postmaster');
    const addresses = fc.sample(fc.array(piece, { minLength: 1, maxLength: 12 }).map((a) => a.join('')), { numRuns: 1500, seed: 20261128 })
      .filter((a) => a.trim() !== ''); // an all-blank rewrite makes Postfix's trivial-rewrite panic
    const ref = createTrivialRewrite(loadMainCf(instance.pf.configDir));
    const diffs: unknown[] = [];
    for (const a of addresses) {
      const [want, got] = [
        [await instance.real.resolve('', a), await instance.real.rewrite('local', a), await instance.real.rewrite('remote', a)],
        [await ref.resolve('', a), await ref.rewrite('local', a), await ref.rewrite('remote', a)],
      ];
      if (JSON.stringify(want) !== JSON.stringify(got)) diffs.push({ input: a, postfix: want, reference: got });
    }
    expect(diffs).toEqual([]);
  });
});
