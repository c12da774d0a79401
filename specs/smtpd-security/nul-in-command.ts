import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * NUL bytes in SMTP commands. smtpd(8) reads a command line with smtp_get() and then handles it
 * as a C string: everything from the first NUL on is ignored (only the UTF-8 check sees the
 * whole line, and NUL is valid UTF-8). So the HELO name is cut at the NUL; an address cut inside
 * its "<...>" is an unclosed token (501 5.1.7 sender, 501 5.1.3 recipient); parameters after a
 * NUL are never seen; a verb cut short is an unknown command (500 5.5.2); and a line that
 * starts with NUL is empty ("500 5.5.2 Error: bad syntax"). The one message accepted is relayed
 * with the HELO name cut at the NUL in its Received: header.
 */
const scenario: Scenario = {
  id: 'smtpd-security/nul-in-command',
  title: 'NUL in HELO, MAIL, RCPT, VRFY and other commands: the command ends at the NUL',
  description: 'Each command is cut at its first NUL: the HELO name is shortened, an address cut inside <> is refused with 501, text after the NUL is ignored.',
  config: { main: {} },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { send: 'HELO client\0.evil.example\r\n', expect: { code: 250, text: 'mx.twinpost.test' } },
        { send: 'HE\0LO client.example\r\n', expect: { code: 500, text: '5.5.2 Error: command not recognized' } },
        { send: '\0HELO client.example\r\n', expect: { code: 500, text: '5.5.2 Error: bad syntax' } },
        { send: 'NOOP\0 \xff\r\n', expect: { code: 250, text: '2.0.0 Ok' } },
        { send: 'VRFY nobody\0@evil.example\r\n', expect: { code: 252, text: '2.0.0 nobody' } },
        { send: 'MAIL FROM:<alice\0@client.example>\r\n', expect: { code: 501, text: '5.1.7 Bad sender address syntax' } },
        { send: 'MAIL FROM:\0<alice@client.example>\r\n', expect: { code: 501, text: '5.5.4 Syntax: MAIL FROM:<address>' } },
        { send: 'MAIL FROM:<alice@client.example>\0 SIZE=x FOO=BAR\r\n', expect: { code: 250, text: '2.1.0 Ok' } },
        { send: 'RCPT TO:<nobody\0@evil.example>\r\n', expect: { code: 501, text: '5.1.3 Bad recipient address syntax' } },
        { send: 'RCPT TO:<nobody@mx.twinpost.test>\0 NOTIFY=BOGUS\r\n', expect: { code: 250, text: '2.1.5 Ok' } },
        { data: 'Subject: nul in commands\r\n\r\nbody\r\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'removed' } },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' }],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'nul in commands', Received: /^from client \(localhost \[127\.0\.0\.1\]\)/ } }],
    queue: 'empty',
  },
};
export default scenario;
