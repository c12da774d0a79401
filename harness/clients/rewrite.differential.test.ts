// Differential test: the reference trivial-rewrite (in-process) against REAL Postfix 3.7's
// trivial-rewrite over private/rewrite, for the same ~200 addresses under four configurations,
// plus the reference's own socket server against the real daemon. The in-process reference
// reads the instance's main.cf through reference/config.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPostfixInstance, type PostfixInstance } from './postfix-instance.ts';
import { RewriteClient } from './rewrite.ts';
import { REWRITE_EXTRA, rewriteCorpus } from './rewrite-corpus.ts';
import { createTrivialRewrite, serveTrivialRewrite } from '../../reference/services/trivial-rewrite/index.ts';
import type { TrivialRewriteClient } from '../../reference/services/contracts.ts';
import { loadMainCf } from '../../reference/config/index.ts';

const mapsDir = mkdtempSync('/tmp/twinpost-rw-maps-');
afterAll(() => rmSync(mapsDir, { recursive: true, force: true }));

function mapFile(name: string, text: string): string {
  const path = join(mapsDir, name);
  writeFileSync(path, text);
  return path;
}

/** Parameters every configuration shares (the instance helper sets the same in main.cf). */
const BASE = {
  myhostname: 'host.example.com',
  mydomain: 'example.com',
  inet_interfaces: '127.0.0.1',
  inet_protocols: 'ipv4',
  relay_domains: 'relay.example',
  virtual_alias_domains: 'valias.example',
  virtual_mailbox_domains: 'vmbox.example',
};

const CONFIGS: Record<string, () => Record<string, string>> = {
  defaults: () => ({}),
  'relayhost, dot-mydomain, no bang/percent, delimiter': () => ({
    relayhost: '[gw.example]:587',
    append_dot_mydomain: 'yes',
    swap_bangpath: 'no',
    allow_percent_hack: 'no',
    recipient_delimiter: '+',
    mydestination: 'host.example.com, localhost, example.com',
    remote_header_rewrite_domain: 'rw.example',
  }),
  'transport_maps (texthash), resolve_* switches': () => ({
    transport_maps: 'texthash:' + mapFile('transport', [
      'other.example smtp:[mx.other.example]:25',
      '.sub.other.example relay:',
      'user@host.example.com error:5.1.1 nope',
      'u@other.example :[only-nexthop.example]',
      'example.net discard:',
      'postmaster@host.example.com local:',
      '* smtp:[star.example]',
      '',
    ].join('\n')),
    recipient_delimiter: '+',
    resolve_dequoted_address: 'no',
    resolve_null_domain: 'yes',
    resolve_numeric_domain: 'yes',
    empty_address_recipient: 'postmaster',
    myorigin: 'example.com',
  }),
  'table-driven domains, transports with nexthops, parent matching': () => ({
    mydestination: 'host.example.com, texthash:' + mapFile('mydest', 'localhost x\nexample.com x\n') + ', !other.example',
    local_transport: 'local',
    relay_transport: 'relay:[relaygw.example]',
    default_transport: 'error:no route',
    parent_domain_matches_subdomains: 'transport_maps',
    transport_maps: 'texthash:' + mapFile('transport2', 'example.net relay:[net.example]\nrelay.example :[relaynext]\n'),
    relay_domains: 'relay.example, .other.example',
    show_user_unknown_table_name: 'no',
    allow_min_user: 'yes',
    sender_dependent_relayhost_maps: 'texthash:' + mapFile('sdr', 'me@s.example [sgw.example]\n@t.example DUNNO\n'),
    sender_dependent_default_transport_maps: 'texthash:' + mapFile('sdt', 'me@s.example smtp:[sdt.example]\n<> retry:\n'),
    address_verify_relayhost: '[verify.example]',
  }),
  'regexp transport_maps, relocated_maps, alias domains from virtual_alias_maps, proxy_interfaces': () => ({
    transport_maps: 'regexp:' + mapFile('transport.re', '/^postmaster@/ local:\n/@other\\.example$/ relay:[re.example]\n/^u\\+/ smtp:[plus.example]\n'),
    relocated_maps: 'texthash:' + mapFile('relocated', 'gone@host.example.com new@else.example\n@moved.example the new place\nuser new@user.example\n'),
    virtual_alias_domains: '',
    virtual_alias_maps: 'texthash:' + mapFile('valias', 'valias2.example x\nsomeone@valias2.example a@b\n'),
    proxy_interfaces: '192.0.2.9',
    inet_interfaces: 'all',
    recipient_delimiter: '+-',
    empty_address_default_transport_maps_lookup_key: '<null>',
    sender_dependent_default_transport_maps: 'texthash:' + mapFile('sdt2', '<null> smtp:[nullsender.example]\n'),
  }),
  // Tables that cannot be opened: lookups fail, the answer carries FAIL and whatever was decided so far.
  'unavailable transport_maps': () => ({ transport_maps: `texthash:${mapsDir}/missing/transport` }),
  'unavailable relay_domains table': () => ({ relay_domains: `relay.example, texthash:${mapsDir}/missing/relay` }),
  'unavailable mydestination table': () => ({ mydestination: `host.example.com, texthash:${mapsDir}/missing/mydest` }),
};

type Answer = unknown;

/** One real instance per describe block, with a connected private/rewrite client. */
function realInstance(params: Record<string, string>): { pf: PostfixInstance; real: RewriteClient } {
  const inst = {} as { pf: PostfixInstance; real: RewriteClient };
  beforeAll(async () => {
    inst.pf = await startPostfixInstance(params);
    inst.real = await RewriteClient.connect(inst.pf.privateSocket('rewrite'));
  });
  afterAll(async () => {
    inst.real?.close();
    await inst.pf?.stop();
  });
  return inst;
}

async function askAll(c: TrivialRewriteClient & { resolveVerify(s: string, a: string): Promise<unknown> }, addresses: string[]): Promise<Answer[]> {
  const out: Answer[] = [];
  for (const a of addresses) {
    out.push({ resolve: await c.resolve('', a) });
    out.push({ verify: await c.resolveVerify('', a) });
  }
  for (const sender of ['me@s.example', 'x@t.example', 'other@elsewhere.example']) {
    out.push({ sender, resolve: await c.resolve(sender, 'u@other.example') });
  }
  for (const a of [...addresses, ...REWRITE_EXTRA]) {
    if (a === '') continue; // covered by a fixed case; Postfix only logs a warning
    out.push({ local: (await c.rewrite('local', a)).address, remote: (await c.rewrite('remote', a)).address });
  }
  return out;
}

for (const [name, extra] of Object.entries(CONFIGS)) {
  describe(`trivial-rewrite vs real Postfix: ${name}`, () => {
    const params = { ...BASE, ...extra() };
    const instance = realInstance(params);

    it('gives the same answers for every address in the corpus', async () => {
      const addresses = rewriteCorpus();
      expect(addresses.length).toBeGreaterThanOrEqual(200);
      // The reference reads the very main.cf the real instance runs with.
      const ref = createTrivialRewrite(loadMainCf(instance.pf.configDir));
      const [want, got] = [await askAll(instance.real, addresses), await askAll(ref, addresses)];
      const inputs = [...addresses.flatMap((a) => [a, a]), 'sender1', 'sender2', 'sender3', ...[...addresses, ...REWRITE_EXTRA].filter((a) => a !== '')];
      const diffs = want.flatMap((w, i) => (JSON.stringify(w) === JSON.stringify(got[i]) ? [] : [{ input: inputs[i], postfix: w, reference: got[i] }]));
      expect(diffs).toEqual([]);
    });

    it('serves the same answers over its own private/rewrite socket', async () => {
      const dir = mkdtempSync('/tmp/twinpost-rw-sock-');
      const server = await serveTrivialRewrite(join(dir, 'rewrite'), createTrivialRewrite(params));
      const client = await RewriteClient.connect(join(dir, 'rewrite'));
      try {
        const sample = rewriteCorpus().filter((_, i) => i % 7 === 0);
        expect(await askAll(client, sample)).toEqual(await askAll(instance.real, sample));
      } finally {
        client.close();
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      }
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
