import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * Bad input at the SMTP door. smtpd(8) answers a command out of sequence with 503 5.5.1 and
 * goes on; an overlong command line (longer than line_length_limit = 2048) is cut there and the
 * rest of the line discarded, so it is answered once, as an unknown command (500 5.5.2); a
 * bare LF inside DATA is accepted as a line end (smtpd_forbid_bare_newline = no by default
 * in 3.7.11) and the message is queued. The session continues after each error.
 */
const scenario: Scenario = {
  id: 'smtpd/bad-input',
  title: 'out-of-sequence commands, an overlong line and a bare LF in DATA',
  description: 'Each error gets its documented reply and the session goes on; only the one complete transaction is queued and delivered.',
  config: { main: {} },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: { code: 503, text: '5.5.1 Error: need MAIL command' } },
        { command: 'DATA', expect: { code: 503, text: '5.5.1 Error: need RCPT command' } },
        { send: `NOOP ${'x'.repeat(3000)}\r\n`, expect: { code: 250, text: '2.0.0 Ok' } },
        { send: `${'A'.repeat(3000)}\r\n`, expect: { code: 500, text: '5.5.2 Error: command not recognized' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: { code: 503, text: '5.5.1 Error: nested MAIL command' } },
        { command: 'DATA', expect: { code: 554, text: '5.5.1 Error: no valid recipients' } },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { data: 'Subject: bare lf\nfirst line\nsecond line\r\n', raw: true, expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'removed' } },
    // smtpd logs the disconnect after its 221 reply: wait for it before counting.
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' },
      { kind: 'disconnect', count: 1 },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'bare lf' }, bodyIncludes: ['first line\nsecond line\n'] }],
    queue: { count: 0 },
  },
};
export default scenario;
