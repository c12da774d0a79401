import type { Scenario } from '../../harness/scenario/types.ts';
import { messageToDomain, NO_RETRY_DURING_RUN, routeDomains } from '../_shared/builders.ts';

/**
 * The source address of smtp(8)'s connections (postconf(5) smtp_bind_address,
 * smtp_bind_address_enforce; smtp_connect.c smtp_connect_addr()), each set with -o on its own
 * master.cf service: smtp_bind_address = 127.0.0.2 makes the peer see the connection come
 * from 127.0.0.2 (the default: the system's choice, 127.0.0.1 here); an address this machine
 * does not have cannot be bound — "smtp_connect_addr: bind ADDR: Cannot assign requested
 * address" is logged and the connection goes out unbound, unless smtp_bind_address_enforce =
 * yes, which defers the mail with 4.4.0 "server configuration error" instead.
 */

const ROUTES = {
  'a.example': 'smtp:{{sink:remote}}',
  'b.example': 'bound:{{sink:remote}}',
  'c.example': 'badbind:{{sink:remote}}',
  'd.example': 'enforced:{{sink:remote}}',
};

const scenario: Scenario = {
  id: 'smtp/bind-address',
  title: 'smtp_bind_address sets the source address; one that cannot be bound is warned about, or defers the mail with smtp_bind_address_enforce',
  description: 'Four messages, each through its own smtp service: the peer sees 127.0.0.1 (default), 127.0.0.2 (smtp_bind_address), 127.0.0.1 again after a failed bind of 192.0.2.1; with smtp_bind_address_enforce = yes that failed bind defers the mail.',
  sinks: { remote: {} },
  config: routeDomains(ROUTES, {
    main: NO_RETRY_DURING_RUN,
    master: [
      'bound unix - - n - - smtp -o smtp_bind_address=127.0.0.2',
      'badbind unix - - n - - smtp -o smtp_bind_address=192.0.2.1',
      'enforced unix - - n - - smtp -o smtp_bind_address=192.0.2.1 -o smtp_bind_address_enforce=yes',
    ],
  }),
  steps: [
    ...messageToDomain('a.example'),
    ...messageToDomain('b.example'),
    ...messageToDomain('c.example'),
    ...messageToDomain('d.example'),
    { kind: 'sink-connections', sink: 'remote', count: 3, transactions: [1, 1, 1], clientAddresses: ['127.0.0.1', '127.0.0.2', '127.0.0.1'] },
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: 'alice@client.example', to: ['bob@a.example'] },
      { sink: 'remote', from: 'alice@client.example', to: ['bob@b.example'] },
      { sink: 'remote', from: 'alice@client.example', to: ['bob@c.example'] },
    ],
    events: [
      { kind: 'warning', text: 'smtp_connect_addr: bind 192.0.2.1: Cannot assign requested address', count: 2 },
      { kind: 'delivery', to: 'bob@c.example', status: 'sent' },
      { kind: 'delivery', to: 'bob@d.example', status: 'deferred', dsn: '4.4.0', text: 'server configuration error' },
    ],
    queue: { count: 1 },
  },
};
export default scenario;
