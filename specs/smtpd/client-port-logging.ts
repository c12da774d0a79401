import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitDisconnectAndDelivery, dataThenQuit, envelope, RCPT_ACCEPTED } from '../_shared/builders.ts';

/**
 * smtpd_client_port_logging = yes (postconf(5); smtpd_peer.c): smtpd names the client as
 * "name[address]:port" wherever it logs it — the "connect from", "client=", "reject:" and
 * "disconnect from" lines. The Received: header is not changed. (The harness masks the
 * ephemeral port as <port>.)
 */
const scenario: Scenario = {
  id: 'smtpd/client-port-logging',
  title: 'smtpd_client_port_logging = yes: the client port in smtpd\'s log lines',
  description: 'One session with a refused and an accepted recipient: every smtpd log line names localhost[127.0.0.1]:<port>.',
  config: { main: { smtpd_client_port_logging: 'yes' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        ...envelope({ to: 'ghost@mx.twinpost.test', rcptReply: '550 5.1.1' }),
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: RCPT_ACCEPTED },
        ...dataThenQuit('Subject: with port\r\n\r\nHi.\r\n'),
      ],
    },
    ...awaitDisconnectAndDelivery('nobody@mx.twinpost.test'),
  ],
  expect: {
    events: [
      { kind: 'connect', raw: /connect from localhost\[127\.0\.0\.1\]:<port>$/ },
      { kind: 'reject', raw: /reject: RCPT from localhost\[127\.0\.0\.1\]:<port>: 550 5\.1\.1 / },
      { kind: 'client', raw: /: client=localhost\[127\.0\.0\.1\]:<port>$/ },
      { kind: 'disconnect', raw: /disconnect from localhost\[127\.0\.0\.1\]:<port> ehlo=1 / },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Received: /^from client\.example \(localhost \[127\.0\.0\.1\]\)/ } }],
    queue: 'empty',
  },
};
export default scenario;
