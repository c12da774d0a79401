import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * AUTH and STARTTLS when smtpd(8) does not offer them (smtpd_sasl_auth_enable = no, no TLS
 * certificate): EHLO announces neither; AUTH is "503 5.5.1 Error: authentication not enabled",
 * STARTTLS "502 5.5.1 Error: command not implemented"; each counts as an error and the
 * session goes on in plain text. MAIL FROM's AUTH= parameter is still taken (smtpd_sasl_mail_opt()):
 * "<>" is ignored, any other value is logged as sasl_sender= on the "client=" line and stored in
 * the queue file, unauthenticated. A second AUTH= identity is "503 5.5.4 Error: multiple AUTH=
 * options", and, like SIZE=, the identity of a refused MAIL FROM sticks until RSET.
 */
const scenario: Scenario = {
  id: 'smtpd-security/auth-starttls-not-offered',
  title: 'AUTH and STARTTLS when not offered are refused and the session goes on',
  description: 'AUTH gets 503 5.5.1, STARTTLS 502 5.5.1; MAIL FROM AUTH= is taken and logged as sasl_sender, a second one refused with 503 5.5.4.',
  config: { main: {} },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: { code: 250, text: /^(?![^]*(AUTH|STARTTLS))/ } },
        { command: 'AUTH PLAIN AGFsaWNlAHNlY3JldA==', expect: { code: 503, text: '5.5.1 Error: authentication not enabled' } },
        { command: 'AUTH LOGIN', expect: { code: 503, text: '5.5.1 Error: authentication not enabled' } },
        { command: 'STARTTLS', expect: { code: 502, text: '5.5.1 Error: command not implemented' } },
        { command: 'MAIL FROM:<alice@client.example> AUTH=<>', expect: 250 },
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example> AUTH=a@client.example AUTH=b@client.example', expect: { code: 503, text: '5.5.4 Error: multiple AUTH= options' } },
        { command: 'MAIL FROM:<alice@client.example> AUTH=<>', expect: { code: 503, text: '5.5.4 Error: multiple AUTH= options' } },
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example> AUTH=mallory@evil.example', expect: 250 },
        { command: 'STARTTLS', expect: { code: 502, text: '5.5.1 Error: command not implemented' } },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { data: 'Subject: after refused AUTH and STARTTLS\r\n\r\nbody\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'removed' } },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'client', client: 'localhost[127.0.0.1]', raw: /: client=localhost\[127\.0\.0\.1\], sasl_sender=mallory@evil\.example$/ }],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'after refused AUTH and STARTTLS' } }],
    queue: 'empty',
  },
};
export default scenario;
