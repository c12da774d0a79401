import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * A notice about a recipient that an alias rewrote names the address the sender used
 * (bounce_notify_util.c, bounce_log.c): the defer or bounce log keeps orig_rcpt= beside
 * recipient= when they differ, and the notice reads it back, so its text says
 * "<new> (expanded from <old>): reason" and its delivery report gives the original address.
 * Here virtual_alias_maps (virtual(5)) turns bob@alias.example into bob@remote.example,
 * whose server refuses it.
 * Written for the mutation campaign: no notice in the other scenarios was about a rewritten
 * recipient, so reading orig_rcpt= back from the log was never needed.
 */

const scenario: Scenario = {
  id: 'bounce/expanded-recipient',
  title: 'a notice about an aliased recipient says "(expanded from <original>)"',
  description: 'virtual_alias_maps sends bob@alias.example to bob@remote.example, which the peer refuses (550); the sender\'s notice names both addresses.',
  sinks: { remote: { faults: [{ kind: 'reply', stage: 'rcpt', reply: '550 5.1.1 <bob@remote.example>: no such user' }] } },
  config: relayToRemote({ virtual_alias_maps: 'texthash:$config_directory/virtual' }, [
    { name: 'virtual', content: 'bob@alias.example bob@remote.example\n' },
  ]),
  steps: [
    oneMessage({ from: 'nobody@mx.twinpost.test', to: 'bob@alias.example', data: 'Subject: to an alias\r\n\r\nhello\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', origTo: 'bob@alias.example', status: 'bounced', dsn: '5.1.1' },
      { kind: 'notification', queueId: 'Q1', what: 'sender non-delivery notification', notificationId: 'Q2' },
    ],
    mailboxes: [{
      user: 'nobody', messages: 1, headers: { Subject: 'Undelivered Mail Returned to Sender' },
      bodyIncludes: [
        '<bob@remote.example> (expanded from <bob@alias.example>): host',
        'Final-Recipient: rfc822; bob@remote.example\nOriginal-Recipient: rfc822;bob@alias.example\n',
      ],
    }],
    queue: 'empty',
  },
};
export default scenario;
