import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage } from '../_shared/builders.ts';

/**
 * disable_verp_bounces = yes (postconf(5); qmgr_active.c): the failed recipients of a VERP
 * message are reported together, in one non-delivery notice to the plain envelope sender, as
 * for mail without VERP. The delivery attempts still go one recipient at a time.
 */
const scenario: Scenario = {
  id: 'bounce/verp-bounces-off',
  title: 'disable_verp_bounces = yes: one notice for all failed recipients, to the plain sender',
  description: 'An XVERP message to two unknown local users: one notice to list@client.example naming both.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      local_recipient_maps: '',
      smtpd_authorized_verp_clients: '127.0.0.1',
      // the two local deliveries go one after the other, so the bounce log lists them in order
      local_destination_concurrency_limit: '1',
      disable_verp_bounces: 'yes',
    },
  },
  steps: [
    oneMessage({
      from: 'list@client.example', params: 'XVERP', to: ['ghost1@mx.twinpost.test', 'ghost2@mx.twinpost.test'],
      data: 'From: list@client.example\r\nSubject: to the list\r\n\r\nHi.\r\n',
    }),
    ...awaitRelayed(1, 2),
  ],
  expect: {
    deliveries: [
      {
        sink: 'remote', from: '', to: ['list@client.example'], headers: { To: 'list@client.example' },
        bodyIncludes: ['<ghost1@mx.twinpost.test>: unknown user: "ghost1"', '<ghost2@mx.twinpost.test>: unknown user: "ghost2"'],
      },
    ],
    events: [{ kind: 'notification', what: 'sender non-delivery notification', count: 1 }],
    queue: 'empty',
  },
};
export default scenario;
