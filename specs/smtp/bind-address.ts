import type { Scenario, Step } from '../../harness/scenario/types.ts';
import { NO_RETRY_DURING_RUN } from '../_shared/builders.ts';

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
  'a.example': 'smtp',
  'b.example': 'bound',
  'c.example': 'badbind',
  'd.example': 'enforced',
} as const;

/** One message to bob@DOMAIN, then a wait for its delivery attempt. */
function send(domain: keyof typeof ROUTES): Step[] {
  return [
    {
      kind: 'smtp',
      name: domain,
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: `RCPT TO:<bob@${domain}>`, expect: 250 },
        { data: `Subject: to ${domain}\r\n\r\nhello\r\n`, expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', to: `bob@${domain}` } },
  ];
}

const scenario: Scenario = {
  id: 'smtp/bind-address',
  title: 'smtp_bind_address sets the source address; one that cannot be bound is warned about, or defers the mail with smtp_bind_address_enforce',
  description: 'Four messages, each through its own smtp service: the peer sees 127.0.0.1 (default), 127.0.0.2 (smtp_bind_address), 127.0.0.1 again after a failed bind of 192.0.2.1; with smtp_bind_address_enforce = yes that failed bind defers the mail.',
  sinks: { remote: {} },
  config: {
    main: {
      transport_maps: 'texthash:$config_directory/transport',
      ...NO_RETRY_DURING_RUN,
    },
    master: [
      'bound unix - - n - - smtp -o smtp_bind_address=127.0.0.2',
      'badbind unix - - n - - smtp -o smtp_bind_address=192.0.2.1',
      'enforced unix - - n - - smtp -o smtp_bind_address=192.0.2.1 -o smtp_bind_address_enforce=yes',
    ],
    maps: [{ name: 'transport', content: Object.entries(ROUTES).map(([d, t]) => `${d} ${t}:{{sink:remote}}\n`).join('') }],
  },
  steps: [
    ...send('a.example'),
    ...send('b.example'),
    ...send('c.example'),
    ...send('d.example'),
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
