import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * A postmaster copy of a delay warning (bounce(8); postconf(5) notify_classes,
 * delay_notice_recipient, bounce_template_file): with "delay" in notify_classes, every delay
 * warning to a sender is followed by a copy for delay_notice_recipient, from
 * double_bounce_sender, with the template's Postmaster-Subject:, the recipients' reasons
 * without the template text, and the original's headers only. A delay_template in
 * bounce_template_file gives both notices their header values, and its text may name any
 * time parameter in a unit ($delay_warning_time_seconds).
 */
const scenario: Scenario = {
  id: 'bounce/delay-notice',
  title: 'notify_classes = delay: a postmaster copy of the delay warning to delay_notice_recipient',
  description: 'A peer defers with 450 and delay_warning_time = 1s: the sender (nobody) gets the warning from the private delay template, and delay_notice_recipient (also nobody) its postmaster copy; the mail goes out at the third attempt, when the peer has recovered.',
  // Two refusals, then the peer takes the mail: the number of attempts does not depend on how
  // fast the machine is (with 1-second backoffs a fault cleared by a step would race the retries).
  sinks: { remote: { faults: [{ kind: 'reply', stage: 'rcpt', reply: '450 4.2.0 <bob@remote.example>: mailbox busy, try later', times: 2 }] } },
  config: relayToRemote({
    delay_warning_time: '1s',
    queue_run_delay: '1s',
    minimal_backoff_time: '1s',
    maximal_backoff_time: '1s',
    notify_classes: 'delay',
    delay_notice_recipient: 'nobody',
    double_bounce_sender: 'dbl',
    bounce_template_file: '$config_directory/bounce.cf',
  }, [
    {
      name: 'bounce.cf',
      content: [
        'delay_template = <<EOF',
        'Charset: us-ascii',
        'From: Queue Watch <MAILER-DAEMON>',
        'Subject: Still trying',
        'Postmaster-Subject: Postmaster: mail is late',
        '',
        'Your message is more than $delay_warning_time_seconds seconds late.',
        'EOF',
        '',
      ].join('\n'),
    },
  ]),
  steps: [
    oneMessage({ from: 'nobody@mx.twinpost.test', data: 'Subject: slow\r\n\r\nwill be late\r\n' }),
    { kind: 'wait', event: { kind: 'notification', what: 'postmaster delay notification' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' }, count: 2 },
    ...awaitRelayed(1, 3),
  ],
  expect: {
    events: [
      { kind: 'notification', queueId: 'Q1', what: 'sender delay notification', notificationId: 'Q2' },
      { kind: 'notification', queueId: 'Q1', what: 'postmaster delay notification', notificationId: 'Q3' },
      { kind: 'queue-active', queueId: 'Q3', from: 'dbl@mx.twinpost.test' },
    ],
    noEvents: [{ kind: 'warning' }],
    mailboxes: [{
      user: 'nobody', messages: 2,
      headers: { From: 'Queue Watch <MAILER-DAEMON@mx.twinpost.test>' },
      // the same for the warning and its copy; Postfix's run, compared byte by byte, shows the rest
      bodyIncludes: ['Action: delayed\nStatus: 4.2.0\n', 'Content-Type: text/rfc822-headers\n'],
    }],
    deliveries: [{ sink: 'remote', from: 'nobody@mx.twinpost.test', to: ['bob@remote.example'], headers: { Subject: 'slow' } }],
    queue: 'empty',
  },
};
export default scenario;
