import type { DialogLine, ReplyExpect, Scenario } from '../../harness/scenario/types.ts';

/**
 * SMTP smuggling end-of-data variants with Postfix 3.7.11's defaults
 * (smtpd_forbid_bare_newline = no): smtp_get() ends a line at LF, bare or not, and removes
 * every CR before it, so "\n.\n", "\n.\r\n" and "\r\n.\r\r\n" end the message and what
 * follows is read as commands; "\r.\r", "\r.\n" and "\r\n.\r" followed by other text leave a
 * dot inside a line and end nothing (RFC 5321 §4.1.1.4 names only CRLF.CRLF).
 * Each transaction sends "body<variant>NOOP smuggled\r\n" in one write: where the variant ends
 * the message, NOOP is answered as a command; elsewhere it is content and ".\r\n" ends it.
 */
const QUEUED: ReplyExpect = { code: 250, text: /^2\.0\.0 Ok: queued as / };

/** One transaction; `ends`: the variant ends the message, so NOOP and "." are commands. */
function variant(name: string, bytes: string, ends: boolean): DialogLine[] {
  return [
    { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
    { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
    { command: 'DATA', expect: 354 },
    ...(ends
      ? [{ send: `Subject: ${name}\r\n\r\nbody${bytes}NOOP smuggled\r\n`, expect: QUEUED }, { reply: { code: 250, text: '2.0.0 Ok' } }]
      : [{ send: `Subject: ${name}\r\n\r\nbody${bytes}NOOP smuggled\r\n` }, { send: '.\r\n', expect: QUEUED }]),
  ];
}

const scenario: Scenario = {
  id: 'smtpd-security/smuggling-default',
  title: 'end-of-data smuggling variants under smtpd_forbid_bare_newline = no',
  description: 'Which bare-CR/bare-LF dot variants end DATA in Postfix 3.7.11 by default, and the bytes each message keeps.',
  config: { main: {} },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        ...variant('lf-dot-lf', '\n.\n', true),
        ...variant('cr-dot-cr', '\r.\r', false),
        ...variant('lf-dot-crlf', '\n.\r\n', true),
        ...variant('crlf-dot-cr', '\r\n.\rX', false),
        ...variant('cr-dot-lf', '\r.\n', false),
        ...variant('crlf-dot-cr-crlf', '\r\n.\r\r\n', true),
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', status: 'sent' }, count: 6 },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', count: 6 }],
    mailboxes: [{ user: 'nobody', messages: 6 }],
    queue: { count: 0 },
  },
};
export default scenario;
