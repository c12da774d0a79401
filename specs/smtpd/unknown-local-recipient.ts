import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd rejects a recipient in a local domain that local_recipient_maps does not list:
 * 550 5.1.1 "User unknown in local recipient table" (unknown_local_recipient_reject_code
 * = 550), at RCPT time. A known user in the same transaction is still accepted. smtpd(8),
 * postconf(5) local_recipient_maps.
 */
const scenario: Scenario = {
  id: 'smtpd/unknown-local-recipient',
  title: 'an unknown local recipient is rejected with 550 5.1.1 at RCPT',
  description: 'local_recipient_maps (default: the passwd file and $alias_maps) decides; the unknown address is refused, the known one delivered.',
  config: { main: {} },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<no-such-user@mx.twinpost.test>', expect: { code: 550, enhanced: '5.1.1', text: '5.1.1 <no-such-user@mx.twinpost.test>: Recipient address rejected: User unknown in local recipient table' } },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { data: 'Subject: to a real user\r\n\r\nbody\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    events: [
      { kind: 'reject', stage: 'RCPT', code: 550, dsn: '5.1.1', to: 'no-such-user@mx.twinpost.test' },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', relay: 'local', status: 'sent', text: 'delivered to mailbox' },
    ],
    noEvents: [{ kind: 'delivery', to: 'no-such-user@mx.twinpost.test' }],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'to a real user', 'Delivered-To': 'nobody@mx.twinpost.test' } }],
    queue: 'empty',
  },
};
export default scenario;
