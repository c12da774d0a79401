import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed } from '../_shared/builders.ts';

/**
 * Which transport trivial-rewrite(8) picks per address class when no transport map entry
 * matches (postconf(5) local_transport, virtual_transport, relay_transport, default_transport,
 * relay_domains, virtual_mailbox_domains), and the error(8) and discard(8) transports named as
 * "transport:nexthop": a recipient in $mydestination goes to local_transport, one in
 * virtual_mailbox_domains to virtual_transport, one in relay_domains to relay_transport, any
 * other to default_transport; a transport_maps entry wins over all of them. error(8) bounces
 * with its nexthop as the reason (a leading "d.d.d" is the status code), discard(8) says the
 * message was delivered and logs the nexthop as the reason. The sender is <> so no notice is
 * queued.
 */
const scenario: Scenario = {
  id: 'trivial-rewrite/transport-classes',
  title: 'local_transport, virtual_transport, relay_transport, default_transport and error:/discard: nexthops',
  description: 'One message to six recipients, one per address class and two transport map entries: relay_domains mail reaches the relay sink, other remote mail the default sink, and the local, virtual and mapped ones are bounced or discarded with the nexthop text.',
  sinks: { relay: {}, remote: {} },
  config: {
    main: {
      relay_domains: 'partner.example',
      relay_transport: 'relay:{{sink:relay}}',
      default_transport: 'smtp:{{sink:remote}}',
      virtual_mailbox_domains: 'virt.example',
      virtual_transport: 'error:5.2.1 virtual mailboxes are closed',
      local_transport: 'discard:local mail is dropped today',
      transport_maps: 'texthash:$config_directory/transport',
    },
    maps: [{ name: 'transport', content: 'refused.example error:5.7.1 no mail for refused.example\nsilent.example discard:silence\n' }],
  },
  steps: [
    // Local submission: smtpd would refuse the error: recipients at RCPT time.
    {
      kind: 'sendmail',
      args: ['-f', '<>', 'bob@partner.example', 'carol@far.example', 'dave@virt.example', 'root@mx.twinpost.test', 'erin@refused.example', 'frank@silent.example'],
      message: 'From: MAILER-DAEMON\nSubject: classes\n\nsix recipients\n',
    },
    { kind: 'wait-sink', sink: 'relay', messages: 1 },
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [
      { sink: 'relay', from: '', to: ['bob@partner.example'], headers: { Subject: 'classes' } },
      { sink: 'remote', from: '', to: ['carol@far.example'], headers: { Subject: 'classes' } },
    ],
    events: [
      { kind: 'delivery', to: 'bob@partner.example', status: 'sent', relay: /^127\.0\.0\.1\[127\.0\.0\.1\]/ },
      { kind: 'delivery', to: 'carol@far.example', status: 'sent' },
      { kind: 'delivery', to: 'dave@virt.example', status: 'bounced', dsn: '5.2.1', text: 'virtual mailboxes are closed' },
      { kind: 'delivery', to: 'root@mx.twinpost.test', status: 'sent', relay: 'none', text: 'local mail is dropped today' },
      { kind: 'delivery', to: 'erin@refused.example', status: 'bounced', dsn: '5.7.1', text: 'no mail for refused.example' },
      { kind: 'delivery', to: 'frank@silent.example', status: 'sent', text: 'silence' },
    ],
    queue: 'empty',
  },
};
export default scenario;
