import type { Scenario } from '../../harness/scenario/types.ts';
import { messageToDomain, NO_RETRY_DURING_RUN, routeDomains } from '../_shared/builders.ts';

/**
 * How smtp(8) finds the server it connects to (postconf(5) smtp_tcp_port,
 * smtp_fallback_relay, smtp_dns_support_level; smtp_connect.c), each set with -o on its own
 * master.cf service: a next hop without a port ("[127.0.0.1]") is reached on smtp_tcp_port;
 * when no server of the next hop answers ("connect to …: Connection refused" is logged),
 * the hosts of smtp_fallback_relay are tried in turn and the one that answers gets the mail;
 * smtp_dns_support_level = disabled makes a next hop without brackets ("localhost:PORT") a
 * host name to look up with the system's resolver, with no MX lookup first.
 */

const ROUTES = {
  'a.example': 'tcpport:[127.0.0.1]',
  'b.example': 'fallback:{{sink:down}}',
  'c.example': 'nodns:localhost:{{sink:remote:port}}',
};

const scenario: Scenario = {
  id: 'smtp/nexthop-options',
  title: 'smtp_tcp_port for a next hop without a port, smtp_fallback_relay when the next hop refuses, smtp_dns_support_level = disabled for a next hop without brackets',
  description: 'Three messages, each through its own smtp service: "[127.0.0.1]" reaches the peer on smtp_tcp_port; a next hop that refuses connections is followed by the fallback relay, which gets the mail; "localhost:PORT" is delivered to localhost[127.0.0.1] without an MX lookup.',
  sinks: { remote: {}, down: { down: true } },
  config: routeDomains(ROUTES, {
    main: NO_RETRY_DURING_RUN,
    master: [
      'tcpport unix - - n - - smtp -o smtp_tcp_port={{sink:remote:port}}',
      'fallback unix - - n - - smtp -o smtp_fallback_relay={{sink:remote}}',
      'nodns unix - - n - - smtp -o smtp_dns_support_level=disabled',
    ],
  }),
  steps: [...messageToDomain('a.example'), ...messageToDomain('b.example'), ...messageToDomain('c.example')],
  expect: {
    deliveries: [
      { sink: 'remote', from: 'alice@client.example', to: ['bob@a.example'], headers: { Subject: 'to a.example' } },
      { sink: 'remote', from: 'alice@client.example', to: ['bob@b.example'], headers: { Subject: 'to b.example' } },
      { sink: 'remote', from: 'alice@client.example', to: ['bob@c.example'], headers: { Subject: 'to c.example' } },
    ],
    sinkMessages: { remote: 3, down: 0 },
    events: [
      { kind: 'delivery', to: 'bob@a.example', status: 'sent', relay: '127.0.0.1[127.0.0.1]:<port>' },
      { kind: 'other', text: 'connect to 127.0.0.1[127.0.0.1]:<port>: Connection refused' },
      { kind: 'delivery', to: 'bob@b.example', status: 'sent', relay: '127.0.0.1[127.0.0.1]:<port>' },
      { kind: 'delivery', to: 'bob@c.example', status: 'sent', relay: 'localhost[127.0.0.1]:<port>' },
    ],
    queue: 'empty',
  },
};
export default scenario;
