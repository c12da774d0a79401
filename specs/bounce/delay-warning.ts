import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, relayToRemote } from '../_shared/builders.ts';

/**
 * A delay warning (bounce(8), the delay template of bounce(5); qmgr(8) delay_warning_time).
 * qmgr sends it when a message is deferred and its warning time — arrival plus
 * delay_warning_time — is at most one second away, so with 1s the first deferral already
 * warns. The warning returns the original's headers only ("Undelivered Message Headers",
 * text/rfc822-headers), whatever RET says, and its text gives delay_warning_time in hours:
 * 1s makes "0 hour(s)", and bounce logs bounce(5)'s three-line advice to use a smaller unit.
 * Written for the mutation campaign: delay warnings had no scenario.
 */

const scenario: Scenario = {
  id: 'bounce/delay-warning',
  title: 'a message deferred past delay_warning_time makes a delay warning to its sender',
  description: 'A peer defers with 450; with delay_warning_time = 1s the sender gets a delay warning after the first attempt, with headers only; bounce warns about the 0-hour conversion; the mail is delivered after the peer recovers.',
  sinks: { remote: { faults: [{ kind: 'reply', stage: 'rcpt', reply: '450 4.2.0 <bob@remote.example>: mailbox busy, try later' }] } },
  config: relayToRemote({
    delay_warning_time: '1s',
    queue_run_delay: '1s',
    minimal_backoff_time: '1s',
    maximal_backoff_time: '1s',
  }),
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<nobody@mx.twinpost.test>', expect: 250 },
        { command: 'RCPT TO:<bob@remote.example> NOTIFY=DELAY,FAILURE', expect: 250 },
        { data: 'Subject: slow\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nwill be late\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'notification' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
    { kind: 'sink', sink: 'remote', action: 'faults', faults: [] },
    { kind: 'flush' },
    ...awaitRelayed(1, 2),
  ],
  expect: {
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', status: 'deferred', dsn: '4.2.0' },
      { kind: 'notification', queueId: 'Q1', what: 'sender delay notification', notificationId: 'Q2' },
      { kind: 'warning', text: '[built-in]: zero result in delay template conversion of parameter "delay_warning_time_hours"', count: 1 },
      { kind: 'warning', text: 'please reduce time unit "hours" of "delay_warning_time_hours" in delay template', count: 1 },
      { kind: 'delivery', queueId: 'Q2', to: 'nobody@mx.twinpost.test', status: 'sent' },
      { kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', status: 'sent' },
    ],
    mailboxes: [{
      user: 'nobody', messages: 1,
      headers: { Subject: 'Delayed Mail (still being retried)', From: 'Mail Delivery System <MAILER-DAEMON@mx.twinpost.test>' },
      bodyIncludes: [
        'Your message could not be delivered for more than 0 hour(s).\nIt will be retried until it is 5 day(s) old.\n',
        'Action: delayed\nStatus: 4.2.0\n',
        'Content-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\n',
        'From: nobody@mx.twinpost.test\n\n--',
      ],
    }],
    deliveries: [{ sink: 'remote', from: 'nobody@mx.twinpost.test', to: ['bob@remote.example'], headers: { Subject: 'slow' } }],
    queue: 'empty',
  },
};
export default scenario;
