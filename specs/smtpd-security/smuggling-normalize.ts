import type { DialogLine, Scenario } from '../../harness/scenario/types.ts';

/**
 * The same end-of-data smuggling variants with smtpd_forbid_bare_newline = normalize (and no
 * exclusions, so the loopback client is covered): smtp_get() then removes only one CR before
 * LF and flags a bare LF, and smtpd ends DATA only at CRLF.CRLF — a lone "." next to a bare LF
 * is dropped (neither stored nor an end), ".\r\r\n" is the line ".\r" (stored as "\r" after
 * unstuffing). None of the variants ends the message; "NOOP smuggled" is content every time.
 */
function variant(name: string, bytes: string): DialogLine[] {
  return [
    { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
    { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
    { command: 'DATA', expect: 354 },
    { send: `Subject: ${name}\r\n\r\nbody${bytes}NOOP smuggled\r\n` },
    { send: '.\r\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
  ];
}

const scenario: Scenario = {
  id: 'smtpd-security/smuggling-normalize',
  title: 'end-of-data smuggling variants under smtpd_forbid_bare_newline = normalize',
  description: 'With bare-newline protection on, only CRLF.CRLF ends DATA; every variant stays inside its message.',
  config: { main: { smtpd_forbid_bare_newline: 'normalize', smtpd_forbid_bare_newline_exclusions: '' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        ...variant('lf-dot-lf', '\n.\n'),
        ...variant('cr-dot-cr', '\r.\r'),
        ...variant('lf-dot-crlf', '\n.\r\n'),
        ...variant('crlf-dot-cr', '\r\n.\rX'),
        ...variant('cr-dot-lf', '\r.\n'),
        ...variant('crlf-dot-cr-crlf', '\r\n.\r\r\n'),
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', status: 'sent' }, count: 6 },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', count: 6 }],
    mailboxes: [{ user: 'nobody', messages: 6, bodyIncludes: ['NOOP smuggled\n'] }],
    queue: { count: 0 },
  },
};
export default scenario;
