import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * Which class of error a refused message is, for the postmaster's transcript (smtpd.c after
 * cleanup's reply; postconf(5) notify_classes): too many hops (hopcount_limit) and a message
 * too large are of the "bounce" class, a header_checks REJECT is "policy". With
 * notify_classes = bounce only the session whose message had too many Received: headers sends
 * bounce_notice_recipient a transcript ("Postfix SMTP server: errors from …"); the session
 * refused by header_checks sends none. Written for the mutation campaign: with the default
 * classes neither refusal sends a notice, so a reference that classed every refusal as
 * "bounce" passed.
 */
const scenario: Scenario = {
  id: 'smtpd/refusal-notice-class',
  title: 'notify_classes = bounce: a transcript for too many hops, none for a header_checks REJECT',
  description: 'Session 1: a message refused by header_checks (550 5.7.1, policy class). Session 2: a message with three Received: headers and hopcount_limit = 3 (554 5.4.0 Error: too many hops, bounce class). Only session 2 reaches the postmaster (nobody).',
  config: {
    main: {
      notify_classes: 'bounce',
      bounce_notice_recipient: 'nobody',
      hopcount_limit: '3',
      header_checks: 'regexp:$config_directory/header_checks',
    },
    maps: [{ name: 'header_checks', content: '/^Subject: forbidden/ REJECT\n' }],
  },
  steps: [
    {
      kind: 'smtp',
      name: 'policy',
      dialog: [
        { command: 'EHLO policy.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { data: 'From: alice@client.example\r\nSubject: forbidden\r\n\r\nHi.\r\n', expect: { code: 550, enhanced: '5.7.1', text: '5.7.1 message content rejected' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
    {
      kind: 'smtp',
      name: 'hops',
      dialog: [
        { command: 'EHLO hops.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { data: 'Received: from a.example by b.example; Mon, 7 Dec 2026 10:00:00 +0000\r\nReceived: from c.example by a.example; Mon, 7 Dec 2026 09:59:00 +0000\r\nFrom: alice@client.example\r\nSubject: looping\r\n\r\nHi.\r\n', expect: { code: 554, enhanced: '5.4.0', text: '5.4.0 Error: too many hops' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 2 },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
  ],
  expect: {
    events: [
      { kind: 'queue-active', from: 'double-bounce@mx.twinpost.test', nrcpt: 1, count: 1 },
    ],
    mailboxes: [{
      user: 'nobody', messages: 1,
      headers: { Subject: 'Postfix SMTP server: errors from localhost[127.0.0.1]' },
      bodyIncludes: [' In:  EHLO hops.example\n', ' Out: 554 5.4.0 Error: too many hops\n'],
    }],
    queue: 'empty',
  },
};
export default scenario;
