import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage } from '../_shared/builders.ts';

/**
 * A next hop given by host name (smtp(8) "[host]:port" destinations, postconf(5)
 * smtp_host_lookup): with the MX lookup suppressed by the brackets, smtp(8) looks up the
 * name's address and connects to it; its delivery line says relay=NAME[ADDRESS]:PORT, the name
 * as written and the address it found. smtp_host_lookup = native takes the address from the
 * system's resolver (getaddrinfo: /etc/hosts has localhost → 127.0.0.1), as the reference
 * always does; the default, dns, would ask a DNS server this machine does not have.
 * Written for the mutation campaign: every next hop in the other scenarios is an IP literal.
 */

const scenario: Scenario = {
  id: 'smtp/nexthop-hostname',
  title: 'a next hop given as [localhost]:port: relay= shows the name and the address it resolved to',
  description: 'transport_maps sends remote.example to smtp:[localhost]:PORT of the peer; the peer gets the message and the delivery line names localhost[127.0.0.1].',
  sinks: { remote: {} },
  config: {
    main: {
      transport_maps: 'texthash:$config_directory/transport',
      smtp_host_lookup: 'native',
    },
    maps: [{ name: 'transport', content: 'remote.example smtp:[localhost]:{{sink:remote:port}}\n' }],
  },
  steps: [
    oneMessage({ data: 'Subject: by name\r\n\r\nto a host named localhost\r\n' }),
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['bob@remote.example'], headers: { Subject: 'by name' } }],
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', status: 'sent', dsn: '2.0.0', relay: 'localhost[127.0.0.1]:<port>' },
    ],
    queue: 'empty',
  },
};
export default scenario;
