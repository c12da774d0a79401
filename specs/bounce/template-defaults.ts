import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * A bounce_template_file template starts as the built-in template of its kind (bounce(5);
 * bounce_template.c copies the built-in prototype before it reads the file's text): header
 * lines the template leaves out keep their built-in values. Its header part ends at the first
 * line that is not a header, and blank lines between it and the text are skipped. Here the
 * failure template is text only: the notice to the sender keeps From: "Mail Delivery System
 * <MAILER-DAEMON>" and Subject: "Undelivered Mail Returned to Sender", the postmaster copy
 * (notify_classes = bounce) "Postmaster Copy: Undelivered Mail", and the text begins with its
 * first line. Written for the mutation campaign: every template in the other scenarios gave
 * From:, Subject: and Postmaster-Subject: all.
 */
const scenario: Scenario = {
  id: 'bounce/template-defaults',
  title: 'a bounce template without header lines keeps the built-in From:, Subject: and Postmaster-Subject:',
  description: 'A message to an unknown local user bounces; the failure template of bounce_template_file has only text, so the sender\'s notice (at the peer) and the postmaster copy (nobody\'s mailbox) carry the built-in header values and the whole text.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      local_recipient_maps: '',
      notify_classes: 'bounce',
      bounce_notice_recipient: 'nobody',
      bounce_template_file: '$config_directory/bounce.cf',
    },
    maps: [
      {
        name: 'bounce.cf',
        content: [
          'failure_template = <<EOF',
          'Mail to the recipients below failed at $myhostname.',
          '',
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
    { kind: 'wait', event: { kind: 'removed' }, count: 3 },
  ],
  expect: {
    deliveries: [
      {
        sink: 'remote',
        from: '',
        to: ['alice@client.example'],
        headers: { From: 'Mail Delivery System <MAILER-DAEMON@mx.twinpost.test>', Subject: 'Undelivered Mail Returned to Sender' },
        bodyIncludes: ['\r\n\r\nMail to the recipients below failed at mx.twinpost.test.\r\n\r\nPlease check the addresses.\r\n'],
      },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { From: 'Mail Delivery System <MAILER-DAEMON@mx.twinpost.test>', Subject: 'Postmaster Copy: Undelivered Mail' } }],
    events: [
      { kind: 'notification', what: 'sender non-delivery notification', count: 1 },
      { kind: 'notification', what: 'postmaster non-delivery notification', count: 1 },
    ],
    queue: 'empty',
  },
};
export default scenario;
