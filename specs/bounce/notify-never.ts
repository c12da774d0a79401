import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * NOTIFY= decides which failed recipients the sender's non-delivery notice lists (RFC 3461
 * section 4.1; bounce_notify_service.c lists those with no NOTIFY= or with FAILURE). Two
 * messages loop at local(8) (a Delivered-To: header naming the recipient: "mail forwarding
 * loop", 5.4.6) and bounce: with NOTIFY=FAILURE the sender gets the notice; with NOTIFY=NEVER
 * nobody does. The bounce log still holds the recipient, so bounce(8) opens the notice and
 * cleanup logs its message-id before bounce finds no recipient to list and cancels it (no
 * "sender non-delivery notification" line, no queue file). Found by the differential smtpd
 * fuzzer (harness/fuzz/found/): the reference returned the looping message anyway.
 */
const loop = (from: string, notify: string, subject: string) => ({
  kind: 'smtp' as const,
  name: subject,
  dialog: [
    { command: 'EHLO client.example', expect: 250 },
    { command: `MAIL FROM:<${from}@mx.twinpost.test>`, expect: 250 },
    { command: `RCPT TO:<nobody@mx.twinpost.test> NOTIFY=${notify}`, expect: 250 },
    { data: `Delivered-To: nobody@mx.twinpost.test\r\nSubject: ${subject}\r\n\r\nround and round\r\n`, expect: 250 },
    { command: 'QUIT', expect: 221 },
  ],
});

const scenario: Scenario = {
  id: 'bounce/notify-never',
  title: 'a looping message bounces; the sender is told with NOTIFY=FAILURE and not with NOTIFY=NEVER',
  description: 'daemon and bin each send a message with Delivered-To: nobody@ to nobody@; local(8) bounces both (mail forwarding loop); only daemon (NOTIFY=FAILURE) gets a non-delivery notice.',
  config: { main: {} },
  steps: [
    loop('bin', 'NEVER', 'never tell'),
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
    // The cancelled notice's message-id line too, before the next message takes a queue ID:
    // IDs are numbered in the order they first appear in the log, and Postfix's log is not
    // causal across processes.
    { kind: 'wait', event: { kind: 'message-id' }, count: 2 },
    loop('daemon', 'FAILURE', 'tell on failure'),
    { kind: 'wait', event: { kind: 'removed' }, count: 3 },
  ],
  expect: {
    events: [
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'bounced', dsn: '5.4.6', count: 2 },
      { kind: 'notification', what: 'sender non-delivery notification', count: 1 },
      { kind: 'delivery', to: 'daemon@mx.twinpost.test', status: 'sent', count: 1 },
    ],
    mailboxes: [
      { user: 'bin', messages: 0 },
      {
        user: 'daemon', messages: 1,
        headers: { Subject: 'Undelivered Mail Returned to Sender' },
        bodyIncludes: ['<nobody@mx.twinpost.test>: mail forwarding loop for nobody@mx.twinpost.test\n', 'Subject: tell on failure\n'],
      },
    ],
    queue: 'empty',
  },
};
export default scenario;
