import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * With local_recipient_maps empty, smtpd(8) accepts any local recipient and local(8) finds out:
 * a name that is neither an alias nor a user bounces with 5.1.1 "unknown user: "name"", and
 * bounce(8) returns a non-delivery notification to the sender (a local user here, so it lands
 * in a mailbox). Added for the mutation campaign: no other scenario let local(8) meet an
 * unknown user.
 */
const scenario: Scenario = {
  id: 'local/unknown-user-bounce',
  title: 'local(8) bounces an unknown user with 5.1.1 when smtpd cannot check',
  description: 'local_recipient_maps = (empty): RCPT TO nosuch is accepted, local bounces it (unknown user: "nosuch"), and the notification reaches the sender, nobody.',
  config: { main: { local_recipient_maps: '' } },
  steps: [
    oneMessage({
      from: 'nobody@mx.twinpost.test',
      to: 'nosuch@mx.twinpost.test',
      rcptReply: '250 2.1.5',
      data: 'From: nobody@mx.twinpost.test\r\nTo: nosuch@mx.twinpost.test\r\nSubject: to nobody known\r\n\r\nHello?\r\n',
    }),
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    events: [
      { kind: 'delivery', to: 'nosuch@mx.twinpost.test', status: 'bounced', dsn: '5.1.1', text: 'unknown user: "nosuch"' },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'Undelivered Mail Returned to Sender' } }],
    queue: 'empty',
  },
};
export default scenario;
