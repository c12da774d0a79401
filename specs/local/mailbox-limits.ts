import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage } from '../_shared/builders.ts';

/**
 * local(8)'s mailbox size limit and its catch-all for unknown users (postconf(5)
 * mailbox_size_limit, message_size_limit, luser_relay): a delivery that would make a mailbox
 * file larger than mailbox_size_limit fails as a write error of a file that is too large
 * (mailbox.c: bounced, nothing appended); mailbox_size_limit may not be below
 * message_size_limit. A recipient that is neither an alias nor a user goes to luser_relay,
 * with $user expanded to the local part, instead of bouncing; a remote luser_relay address
 * is forwarded as a new message.
 */
const scenario: Scenario = {
  id: 'local/mailbox-limits',
  title: 'mailbox_size_limit and luser_relay',
  description: 'Two messages to nobody: the first fits in the mailbox, the second would pass mailbox_size_limit and bounces; a message to an unknown user is forwarded to lost-ghost@far.example at the relayhost.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      local_recipient_maps: '',
      message_size_limit: '3000',
      mailbox_size_limit: '3500',
      luser_relay: 'lost-$user@far.example',
    },
  },
  steps: [
    oneMessage({ from: '', to: 'nobody@mx.twinpost.test', data: `Subject: first\r\n\r\n${'a'.repeat(1500)}\r\n` }),
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test' } },
    oneMessage({ from: '', to: 'nobody@mx.twinpost.test', data: `Subject: second\r\n\r\n${'b'.repeat(1500)}\r\n` }),
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test' }, count: 2 },
    oneMessage({ to: 'ghost@mx.twinpost.test', data: 'Subject: lost\r\n\r\nwho is there\r\n' }),
    ...awaitRelayed(1, 4),
  ],
  expect: {
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'first' } }],
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['lost-ghost@far.example'], headers: { Subject: 'lost' } }],
    events: [
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', count: 1 },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'bounced', text: /File too large/ },
      { kind: 'delivery', to: 'ghost@mx.twinpost.test', status: 'sent', text: /^forwarded as / },
    ],
    queue: 'empty',
  },
};
export default scenario;
