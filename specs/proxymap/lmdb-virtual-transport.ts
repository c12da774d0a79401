import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage } from '../_shared/builders.ts';

/**
 * virtual_alias_maps and transport_maps read through proxymap(8) (proxy:lmdb:…): cleanup
 * rewrites info@alias.example to bob@remote.example, trivial-rewrite routes remote.example to
 * the peer. Both tables are approved because the default proxy_read_maps lists
 * $virtual_alias_maps and $transport_maps. Direct requests over private/proxymap show the
 * wire-level answers: found (0), not found (1), malformed table name (3), table not approved
 * (4), and update refused by the read-only service (4), each refusal with its warning. The
 * open reply also carries the server's dict flags, which depend on the table's history (the
 * request bits of earlier users stick: 786520 here on 3.7.11 after trivial-rewrite and
 * cleanup used it, 262172 on a fresh table), so only the status is checked. proxymap(8), postconf(5)
 * proxy_read_maps, lmdb_table(5).
 */
const scenario: Scenario = {
  id: 'proxymap/lmdb-virtual-transport',
  title: 'virtual aliasing and transport lookups through proxy:lmdb:, plus direct proxymap requests',
  description: 'Mail to a virtual alias is rewritten and routed by tables read through proxymap; direct lookups give status 0 with the value, 1 for a missing key, 3 for a table without a type, 4 for an unapproved table and for update on the read-only service.',
  sinks: { remote: {} },
  config: {
    main: {
      virtual_alias_maps: 'proxy:lmdb:$config_directory/virtual',
      transport_maps: 'proxy:lmdb:$config_directory/transport',
    },
    maps: [
      { name: 'virtual', content: 'alias.example anything\ninfo@alias.example bob@remote.example\n', build: 'postmap' },
      { name: 'transport', content: 'remote.example smtp:{{sink:remote}}\n', build: 'postmap' },
    ],
  },
  steps: [
    oneMessage({ to: 'info@alias.example', data: 'Subject: via proxymap\r\n\r\nhello\r\n' }),
    ...awaitRelayed(),
    { kind: 'proxymap', request: { request: 'open', table: 'lmdb:{{configDir}}/virtual', flags: 0 }, expect: { status: 0 } },
    { kind: 'proxymap', request: { request: 'lookup', table: 'lmdb:{{configDir}}/virtual', flags: 16384, key: 'INFO@alias.example' }, expect: { status: 0, value: 'bob@remote.example' } },
    { kind: 'proxymap', request: { request: 'lookup', table: 'lmdb:{{configDir}}/virtual', flags: 16384, key: 'nobody@alias.example' }, expect: { status: 1, value: '' } },
    { kind: 'proxymap', request: { request: 'lookup', table: 'lmdb:{{configDir}}/transport', flags: 16384, key: 'remote.example' }, expect: { status: 0, value: /^smtp:\[127\.0\.0\.1\]:\d+$/ } },
    { kind: 'proxymap', request: { request: 'lookup', table: 'nocolon', flags: 0, key: 'x' }, expect: { status: 3 } },
    { kind: 'proxymap', request: { request: 'lookup', table: 'texthash:/etc/passwd', flags: 0, key: 'root' }, expect: { status: 4 } },
    { kind: 'proxymap', request: { request: 'update', table: 'lmdb:{{configDir}}/virtual', flags: 0, key: 'k', value: 'v' }, expect: { status: 4 } },
    // proxymap's warnings reach the maillog through postlogd after the replies: wait for the last.
    { kind: 'wait', event: { kind: 'warning', service: 'proxymap', text: /update request on non-proxywrite service$/ } },
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['bob@remote.example'], headers: { Subject: 'via proxymap' } }],
    events: [
      { kind: 'delivery', to: 'bob@remote.example', origTo: 'info@alias.example', status: 'sent' },
      { kind: 'warning', service: 'proxymap', text: 'request for unapproved table: "texthash:/etc/passwd"' },
      { kind: 'warning', service: 'proxymap', text: 'to approve this table for read-only access, list proxy:texthash:/etc/passwd in main.cf:proxy_read_maps' },
      { kind: 'warning', service: 'proxymap', text: /^refusing lmdb:\/.+\/etc\/virtual update request on non-proxywrite service$/ },
    ],
    queue: 'empty',
  },
};
export default scenario;
