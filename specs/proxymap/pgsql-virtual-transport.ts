import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage } from '../_shared/builders.ts';

/**
 * virtual_alias_maps and transport_maps in a real PostgreSQL, read through proxymap(8)
 * (proxy:pgsql:…, pgsql_table(5)). The harness starts a private PostgreSQL on a loopback port,
 * loads two tables, and stops it after the run. Mail to info@alias.example is rewritten by the
 * SQL alias and routed to the peer by the SQL transport; direct proxymap lookups give the same
 * rows. proxymap(8), pgsql_table(5), postconf(5) proxy_read_maps.
 */
const cf = (query: string) =>
  ['hosts = inet:{{pg:host}}:{{pg:port}}', 'user = {{pg:user}}', 'password =', 'dbname = {{pg:dbname}}', `query = ${query}`, ''].join('\n');

const scenario: Scenario = {
  id: 'proxymap/pgsql-virtual-transport',
  title: 'virtual aliasing and transport lookups through proxy:pgsql: against a real PostgreSQL',
  description: 'Rows in PostgreSQL tables drive virtual aliasing and routing through proxymap; direct lookups return the rows (status 0) or not found (status 1).',
  sinks: { remote: {} },
  postgres: {
    sql: [
      'CREATE TABLE virtual (address text PRIMARY KEY, goto text NOT NULL);',
      "INSERT INTO virtual VALUES ('alias.example', 'anything'), ('info@alias.example', 'bob@remote.example');",
      'CREATE TABLE transport (domain text PRIMARY KEY, transport text NOT NULL);',
      "INSERT INTO transport VALUES ('remote.example', 'smtp:{{sink:remote}}');",
    ].join('\n'),
  },
  config: {
    main: {
      virtual_alias_maps: 'proxy:pgsql:$config_directory/pg-virtual.cf',
      transport_maps: 'proxy:pgsql:$config_directory/pg-transport.cf',
    },
    maps: [
      { name: 'pg-virtual.cf', content: cf("SELECT goto FROM virtual WHERE address = '%s'") },
      { name: 'pg-transport.cf', content: cf("SELECT transport FROM transport WHERE domain = '%s'") },
    ],
  },
  steps: [
    oneMessage({ to: 'info@alias.example', data: 'Subject: via pgsql\r\n\r\nhello\r\n' }),
    ...awaitRelayed(),
    { kind: 'proxymap', request: { request: 'lookup', table: 'pgsql:{{configDir}}/pg-virtual.cf', flags: 16384, key: 'info@alias.example' }, expect: { status: 0, value: 'bob@remote.example' } },
    { kind: 'proxymap', request: { request: 'lookup', table: 'pgsql:{{configDir}}/pg-virtual.cf', flags: 16384, key: 'nobody@alias.example' }, expect: { status: 1, value: '' } },
    { kind: 'proxymap', request: { request: 'lookup', table: 'pgsql:{{configDir}}/pg-transport.cf', flags: 16384, key: 'remote.example' }, expect: { status: 0, value: /^smtp:\[127\.0\.0\.1\]:\d+$/ } },
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['bob@remote.example'], headers: { Subject: 'via pgsql' } }],
    events: [{ kind: 'delivery', to: 'bob@remote.example', origTo: 'info@alias.example', status: 'sent' }],
    noEvents: [{ kind: 'warning' }],
    queue: 'empty',
  },
};
export default scenario;
