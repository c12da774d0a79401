import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd_history_flush_threshold (postconf(5); smtpd.c chat_reset()): the number of transcript
 * lines smtpd keeps for the postmaster before it sends (when a notify_classes error is in it)
 * and starts a new one at the next reset point: HELO/EHLO, the end of a message, RSET. The end
 * of the session always sends what is left. With the threshold at 2, a RSET after a refused
 * recipient already flushes the transcript, so the session's two refused recipients arrive in
 * two notices; with the default (100) they would arrive in one.
 */
const scenario: Scenario = {
  id: 'smtpd/history-flush-threshold',
  title: 'smtpd_history_flush_threshold = 2: RSET sends the postmaster transcript so far',
  description: 'notify_classes = bounce (an unknown local recipient is of that class). One session refuses ghost1, RSETs, refuses ghost2 and quits: the postmaster (nobody) gets two notices, the first ending at the RSET.',
  config: {
    main: {
      notify_classes: 'bounce',
      bounce_notice_recipient: 'nobody',
      smtpd_history_flush_threshold: '2',
    },
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'HELO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<ghost1@mx.twinpost.test>', expect: '550 5.1.1' },
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<ghost2@mx.twinpost.test>', expect: '550 5.1.1' },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' }, count: 2 },
  ],
  expect: {
    events: [
      { kind: 'queue-active', from: 'double-bounce@mx.twinpost.test', nrcpt: 1, count: 2 },
    ],
    mailboxes: [{ user: 'nobody', messages: 2, headers: { Subject: 'Postfix SMTP server: errors from localhost[127.0.0.1]' } }],
    queue: 'empty',
  },
};
export default scenario;
