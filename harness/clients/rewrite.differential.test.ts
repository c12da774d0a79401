// Differential test: the reference trivial-rewrite (in-process, reading the instance's main.cf
// through reference/config) against REAL Postfix 3.7's trivial-rewrite over private/rewrite, for
// the same ~250 addresses under five configurations; plus the reference's own socket server,
// with well-formed requests and with malformed ones.
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
import { AttrClient } from '../../reference/protocol/client.ts';
import { PROTOCOL_NAMES, type AttrList } from '../../reference/protocol/attr.ts';

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

// Requests that do not carry exactly the attributes of their kind, in order (rewrite_proto()
// and resolve_proto() read them with ATTR_FLAG_STRICT). Real Postfix's trivial-rewrite drops
// the client for a missing, misnamed or misplaced attribute, and answers a request with one too
// many at the end, and the next request too. The reference's socket server must do the same.
describe('trivial-rewrite vs real Postfix: malformed requests on private/rewrite', () => {
  const instance = realInstance(BASE);
  const WELL_FORMED: AttrList = [['request', 'rewrite'], ['rule', 'local'], ['address', 'u']];
  const MALFORMED: Record<string, AttrList> = {
    'rewrite with a misnamed address': [['request', 'rewrite'], ['rule', 'local'], ['addr', 'u@example.com']],
    'rewrite without an address': [['request', 'rewrite'], ['rule', 'local']],
    'rewrite with rule and address swapped': [['request', 'rewrite'], ['address', 'u@example.com'], ['rule', 'local']],
    'resolve with a misnamed sender': [['request', 'resolve'], ['from', ''], ['address', 'u@example.com']],
    'rewrite with an attribute too many': [['request', 'rewrite'], ['rule', 'local'], ['address', 'u@example.com'], ['extra', 'x']],
    'resolve with an attribute too many': [['request', 'resolve'], ['sender', ''], ['address', 'u@example.com'], ['extra', 'x']],
  };

  /** One request's outcome: the reply's attribute names, or the connection dropped. */
  const outcome = (conn: AttrClient, request: AttrList): Promise<string> =>
    conn.request(request).then((reply) => `answered ${reply.map(([n]) => n).join(',')}`, () => 'dropped');

  /** What each malformed request, then a well-formed one, get on one connection to `socket`. */
  async function outcomes(socket: string): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const [name, request] of Object.entries(MALFORMED)) {
      const conn = await AttrClient.connect(socket, { protocol: PROTOCOL_NAMES.rewrite, timeoutMs: 10_000 });
      try {
        const first = await outcome(conn, request);
        out[name] = [first, first === 'dropped' ? 'dropped' : await outcome(conn, WELL_FORMED)];
      } finally {
        conn.close();
      }
    }
    return out;
  }

  it('answers or drops the client as Postfix does', async () => {
    const dir = scratchDir('rw-malformed');
    let server: RunningServer | undefined;
    try {
      server = await serveTrivialRewrite(join(dir, 'rewrite'), createTrivialRewrite(loadMainCf(instance.pf.configDir)));
      const real = await outcomes(instance.pf.privateSocket('rewrite'));
      expect(await outcomes(join(dir, 'rewrite'))).toEqual(real);
    } finally {
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
