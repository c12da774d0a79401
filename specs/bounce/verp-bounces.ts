import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage } from '../_shared/builders.ts';

/**
 * Non-delivery notices of a VERP message (postconf(5) disable_verp_bounces, default no;
 * qmgr_active.c, bounce/bounce_notify_verp.c): each failed recipient gets a notice of its own,
 * sent to the VERP sender built for that recipient (list+user=domain@origin), so the list
 * software learns from the address alone who bounced. Here two unknown local users of one
 * XVERP message bounce; the notices reach the peer one by one.
 */
const scenario: Scenario = {
  id: 'bounce/verp-bounces',
  title: 'disable_verp_bounces = no: one notice per failed recipient, to its VERP sender',
  description: 'An XVERP message to two unknown local users: two notices, to list+ghost1=mx.twinpost.test@client.example and list+ghost2=mx.twinpost.test@client.example, each naming its one recipient.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      local_recipient_maps: '',
      smtpd_authorized_verp_clients: '127.0.0.1',
      // the two local deliveries go one after the other, so the bounce log lists them in order
      local_destination_concurrency_limit: '1',
      disable_verp_bounces: 'no',
      // the two notices leave side by side: no connection is kept for later
      smtp_connection_cache_on_demand: 'no',
    },
  },
  steps: [
    oneMessage({
      from: 'list@client.example', params: 'XVERP', to: ['ghost1@mx.twinpost.test', 'ghost2@mx.twinpost.test'],
      data: 'From: list@client.example\r\nSubject: to the list\r\n\r\nHi.\r\n',
    }),
    ...awaitRelayed(2, 3),
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: '', to: ['list+ghost1=mx.twinpost.test@client.example'], headers: { To: 'list+ghost1=mx.twinpost.test@client.example' }, bodyIncludes: ['<ghost1@mx.twinpost.test>: unknown user: "ghost1"'] },
      { sink: 'remote', from: '', to: ['list+ghost2=mx.twinpost.test@client.example'], headers: { To: 'list+ghost2=mx.twinpost.test@client.example' }, bodyIncludes: ['<ghost2@mx.twinpost.test>: unknown user: "ghost2"'] },
    ],
    events: [
      { kind: 'delivery', to: 'ghost1@mx.twinpost.test', status: 'bounced' },
      { kind: 'delivery', to: 'ghost2@mx.twinpost.test', status: 'bounced' },
      { kind: 'notification', what: 'sender non-delivery notification', count: 2 },
    ],
    queue: 'empty',
  },
};
export default scenario;
