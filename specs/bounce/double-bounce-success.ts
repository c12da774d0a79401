import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * No success report about a postmaster notice (bounce_trace_service.c): mail whose sender is
 * double_bounce_sender@$myhostname that asks NOTIFY=SUCCESS is delivered and its delivery is
 * written to trace/QID, but bounce(8) then sends nothing and logs "not sending trace/success
 * notification for double-bounce message" and leaves the log. qmgr(8) then removes the
 * queue file only (qmgr_active_done_3_generic(): each log is removed by the bounce(8) request
 * that reads it), so trace/QID stays behind after "QID: removed".
 * Written for the mutation campaign: the reference's qmgr removed every log with the message,
 * which no other scenario could tell from Postfix.
 */

const scenario: Scenario = {
  id: 'bounce/double-bounce-success',
  title: 'NOTIFY=SUCCESS from double-bounce: no report, and its trace log outlives the message',
  description: 'double-bounce@mx.twinpost.test mails daemon with NOTIFY=SUCCESS: local(8) delivers, bounce(8) declines the success report; the queue file is removed and trace/QID is left.',
  config: { main: {} },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<double-bounce@mx.twinpost.test>', expect: 250 },
        { command: 'RCPT TO:<daemon@mx.twinpost.test> NOTIFY=SUCCESS', expect: 250 },
        { data: 'Subject: from the postmaster\r\n\r\nhello\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', to: 'daemon@mx.twinpost.test', status: 'sent' } },
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    events: [
      { kind: 'other', service: 'bounce', queueId: 'Q1', text: 'not sending trace/success notification for double-bounce message', count: 1 },
      { kind: 'removed', queueId: 'Q1', count: 1 },
    ],
    noEvents: [{ kind: 'notification' }],
    mailboxes: [{ user: 'daemon', messages: 1, headers: { Subject: 'from the postmaster' } }],
    queue: 'empty',
  },
};
export default scenario;
