import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * XCLIENT and XFORWARD from a client not listed in smtpd_authorized_xclient_hosts /
 * smtpd_authorized_xforward_hosts (both empty by default): EHLO does not announce them, and
 * either command is "550 5.7.0 Error: insufficient authorization", so a client cannot pose as
 * another host; inside a mail transaction it is "503 5.5.1 Error: MAIL transaction in
 * progress", and without arguments a syntax error. The client's own name and address stay in
 * the Received: header.
 */
const denied = { code: 550, text: '5.7.0 Error: insufficient authorization' };

const scenario: Scenario = {
  id: 'smtpd-security/xclient-xforward-unauthorized',
  title: 'XCLIENT and XFORWARD from an unauthorised client are refused',
  description: 'XCLIENT/XFORWARD get 550 5.7.0 (503 5.5.1 inside a transaction, 501 without arguments); the message keeps the real client in Received:.',
  config: { main: {} },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: { code: 250, text: /^(?![^]*(XCLIENT|XFORWARD))/ } },
        { command: 'XCLIENT NAME=trusted.example ADDR=10.0.0.1', expect: denied },
        { command: 'XFORWARD NAME=trusted.example ADDR=10.0.0.1', expect: denied },
        { command: 'XCLIENT', expect: { code: 501, text: '5.5.4 Syntax: XCLIENT attribute=value...' } },
        { command: 'XFORWARD', expect: { code: 501, text: '5.5.4 Syntax: XFORWARD attribute=value...' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'XCLIENT ADDR=10.0.0.1', expect: { code: 503, text: '5.5.1 Error: MAIL transaction in progress' } },
        { command: 'XFORWARD ADDR=10.0.0.1', expect: { code: 503, text: '5.5.1 Error: MAIL transaction in progress' } },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { data: 'Subject: after XCLIENT\r\n\r\nbody\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'removed' } },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Received: /^from client\.example \(localhost \[127\.0\.0\.1\]\)/ } }],
    queue: 'empty',
  },
};
export default scenario;
