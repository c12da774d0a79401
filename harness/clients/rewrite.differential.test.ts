// Differential test: the reference trivial-rewrite (in-process, reading the instance's main.cf
// through reference/config) against REAL Postfix 3.7's trivial-rewrite over private/rewrite, for
// the same ~250 addresses under five configurations; plus the reference's own socket server.
import { describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { RewriteClient } from './rewrite.ts';
import { rewriteCorpus } from './rewrite-corpus.ts';
import { askAll, BASE, disagreements, mapFiles, realInstance } from './rewrite-differential.ts';
import { createTrivialRewrite, serveTrivialRewrite } from '../../reference/services/trivial-rewrite/index.ts';
import { loadMainCf } from '../../reference/config/index.ts';
import type { RunningServer } from '../../reference/skeleton/multi-server.ts';
import { scratchDir } from '../util/cleanup.ts';

const maps = mapFiles();
const mapFile = maps.write;

const CONFIGS: Record<string, () => Record<string, string>> = {
  defaults: () => ({}),
  'relayhost, dot-mydomain, no bang/percent, delimiter, no SMTPUTF8': () => ({
    relayhost: '[gw.example]:587',
    append_dot_mydomain: 'yes',
    swap_bangpath: 'no',
    allow_percent_hack: 'no',
    recipient_delimiter: '+',
    mydestination: 'host.example.com, localhost, example.com',
    remote_header_rewrite_domain: 'rw.example',
    smtputf8_enable: 'no',
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
};

for (const [name, extra] of Object.entries(CONFIGS)) {
  describe(`trivial-rewrite vs real Postfix: ${name}`, () => {
    const params = { ...BASE, ...extra() };
    const instance = realInstance(params);

    it('gives the same answers for every address in the corpus', async () => {
      const addresses = rewriteCorpus();
      expect(addresses.length).toBeGreaterThanOrEqual(200);
      const ref = createTrivialRewrite(loadMainCf(instance.pf.configDir));
      expect(await disagreements(instance.real, ref, addresses)).toEqual([]);
    });

    it('serves the same answers over its own private/rewrite socket', async () => {
      const dir = scratchDir('rw-sock');
      let server: RunningServer | undefined;
      let client: RewriteClient | undefined;
      try {
        server = await serveTrivialRewrite(join(dir, 'rewrite'), createTrivialRewrite(params));
        client = await RewriteClient.connect(join(dir, 'rewrite'));
        const sample = rewriteCorpus().filter((_, i) => i % 7 === 0);
        expect(await askAll(client, sample)).toEqual(await askAll(instance.real, sample));
      } finally {
        client?.close();
        await server?.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
