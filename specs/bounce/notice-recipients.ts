import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage } from '../_shared/builders.ts';

/**
 * Postmaster copies of non-delivery notices (bounce(8); postconf(5) notify_classes,
 * bounce_notice_recipient, 2bounce_notice_recipient, double_bounce_sender,
 * bounce_template_file): with "bounce" in notify_classes, each notice to a sender is followed
 * by a "postmaster copy" to bounce_notice_recipient that returns only the original's headers;
 * mail from the null sender that bounces cannot be returned, and with "bounce" or "2bounce" in
 * notify_classes it goes whole to 2bounce_notice_recipient instead. Postmaster copies come from
 * double_bounce_sender@$myhostname, carry no boilerplate text and say "Auto-Submitted:
 * auto-generated". bounce_template_file replaces the built-in failure template: its From:,
 * Subject:, Postmaster-Subject: and text, with $myhostname expanded.
 */
const scenario: Scenario = {
  id: 'bounce/notice-recipients',
  title: 'notify_classes = bounce, 2bounce: postmaster copies, double_bounce_sender and a private bounce template',
  description: 'A message from alice to an unknown local user bounces to alice (at the peer) with the private template, and its postmaster copy lands in the local mailbox; a bounce of mail from <> goes to 2bounce_notice_recipient at the peer from dbl@mx.twinpost.test.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      local_recipient_maps: '',
      notify_classes: 'bounce, 2bounce',
      bounce_notice_recipient: 'nobody',
      '2bounce_notice_recipient': 'twice@far.example',
      double_bounce_sender: 'dbl',
      bounce_template_file: '$config_directory/bounce.cf',
    },
    maps: [
      {
        name: 'bounce.cf',
        content: [
          'failure_template = <<EOF',
          'Charset: us-ascii',
          'From: Bounce Robot <MAILER-DAEMON>',
          'Subject: Your mail came back',
          'Postmaster-Subject: Copy for the postmaster',
          '',
          'Mail to the recipients below failed at $myhostname.',
          'Please check the addresses.',
          'EOF',
          '',
        ].join('\n'),
      },
    ],
  },
  steps: [
    oneMessage({ to: 'ghost@mx.twinpost.test', data: 'From: alice@client.example\r\nSubject: to a ghost\r\n\r\nboo\r\n' }),
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test' } },
    oneMessage({ from: '', to: 'phantom@mx.twinpost.test', data: 'From: MAILER-DAEMON@client.example\r\nSubject: from nobody\r\n\r\nno return\r\n' }),
    ...awaitRelayed(2, 5),
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: '', to: ['alice@client.example'], headers: { Subject: 'Your mail came back', 'Auto-Submitted': 'auto-replied' }, bodyIncludes: ['Mail to the recipients below failed at mx.twinpost.test.'] },
      { sink: 'remote', from: 'dbl@mx.twinpost.test', to: ['twice@far.example'], headers: { Subject: 'Copy for the postmaster', 'Auto-Submitted': 'auto-generated' }, bodyIncludes: ['no return'] },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'Copy for the postmaster', To: 'nobody@mx.twinpost.test' } }],
    events: [
      { kind: 'notification', what: 'sender non-delivery notification', count: 1 },
      { kind: 'notification', what: 'postmaster non-delivery notification', count: 2 },
    ],
    queue: 'empty',
  },
};
export default scenario;
