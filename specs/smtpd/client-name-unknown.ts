import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * The client's name when its address has no reverse (PTR) name (smtpd(8), smtpd_peer.c):
 * smtpd looks the address up, and when that fails the client is "unknown" — in the
 * "connect from unknown[127.0.0.2]" log line, in the Received: header ("from client.example
 * (unknown [127.0.0.2])") and in the "disconnect from" line. 127.0.0.1 has a name here
 * (localhost, /etc/hosts), 127.0.0.2 has none. Written for the mutation campaign: every other
 * scenario connects from 127.0.0.1, so a failing lookup was never seen.
 */
const scenario: Scenario = {
  id: 'smtpd/client-name-unknown',
  title: 'a client address without a reverse name is "unknown"',
  description: 'A client connects from 127.0.0.2 and sends one message to nobody: the log and the Received: header name it unknown[127.0.0.2].',
  config: {
    main: {},
  },
  steps: [
    {
      kind: 'smtp',
      clientAddress: '127.0.0.2',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { data: 'From: alice@client.example\r\nSubject: from afar\r\n\r\nHi.\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
  ],
  expect: {
    events: [
      { kind: 'connect', client: 'unknown[127.0.0.2]' },
      { kind: 'disconnect', client: 'unknown[127.0.0.2]' },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Received: /^from client\.example \(unknown \[127\.0\.0\.2\]\)/ } }],
    queue: 'empty',
  },
};
export default scenario;
