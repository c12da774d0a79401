import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed } from '../_shared/builders.ts';

/**
 * qmgr(8) hands a delivery agent at most <transport>_destination_recipient_limit recipients
 * of one message per request (postconf(5) default_destination_recipient_limit, and the
 * per-transport smtp_destination_recipient_limit that overrides it): the relay transport,
 * with no setting of its own, takes default_destination_recipient_limit = 3, so four
 * recipients at the relay domain go in two SMTP transactions (3 + 1); smtp takes its own
 * limit of 2, so five recipients go in three (2 + 2 + 1). default_destination_concurrency_limit
 * = 1 makes the deliveries to one destination run one after another.
 */
const scenario: Scenario = {
  id: 'qmgr/recipient-limits',
  title: 'default_destination_recipient_limit, smtp_destination_recipient_limit and default_destination_concurrency_limit',
  description: 'One message to four recipients at a relay domain and five elsewhere: the relay peer gets transactions of 3 and 1 recipients, the default peer 2, 2 and 1.',
  sinks: { relay: {}, remote: {} },
  config: {
    main: {
      relay_domains: 'partner.example',
      relay_transport: 'relay:{{sink:relay}}',
      default_transport: 'smtp:{{sink:remote}}',
      default_destination_recipient_limit: '3',
      smtp_destination_recipient_limit: '2',
      default_destination_concurrency_limit: '1',
    },
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<>', expect: 250 },
        ...['a', 'b', 'c', 'd'].map((u) => ({ command: `RCPT TO:<${u}@partner.example>`, expect: 250 })),
        ...['e', 'f', 'g', 'h', 'i'].map((u) => ({ command: `RCPT TO:<${u}@far.example>`, expect: 250 })),
        { data: 'Subject: limits\r\n\r\nnine recipients\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait-sink', sink: 'relay', messages: 2 },
    ...awaitRelayed(3, 1),
  ],
  expect: {
    deliveries: [
      { sink: 'relay', from: '', to: ['a@partner.example', 'b@partner.example', 'c@partner.example'] },
      { sink: 'relay', from: '', to: ['d@partner.example'] },
      { sink: 'remote', from: '', to: ['e@far.example', 'f@far.example'] },
      { sink: 'remote', from: '', to: ['g@far.example', 'h@far.example'] },
      { sink: 'remote', from: '', to: ['i@far.example'] },
    ],
    events: [{ kind: 'delivery', status: 'sent', count: 9 }],
    queue: 'empty',
  },
};
export default scenario;
