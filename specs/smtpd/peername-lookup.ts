import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitDisconnectAndDelivery, oneMessage, RCPT_ACCEPTED } from '../_shared/builders.ts';

/**
 * smtpd_peername_lookup = no (postconf(5); smtpd_peer.c): smtpd does not look up the client's
 * name at all; every client is "unknown", in the "connect from", "client=" and "disconnect
 * from" log lines and in the Received: header ("from HELO (unknown [addr])"). With the default
 * (yes), 127.0.0.1 is "localhost" here (/etc/hosts).
 */
const scenario: Scenario = {
  id: 'smtpd/peername-lookup',
  title: 'smtpd_peername_lookup = no: the client is "unknown" without a lookup',
  description: 'A client on 127.0.0.1, which has a name, sends one message: the log and the Received: header call it unknown[127.0.0.1].',
  config: { main: { smtpd_peername_lookup: 'no' } },
  steps: [
    oneMessage({ to: 'nobody@mx.twinpost.test', rcptReply: RCPT_ACCEPTED, data: 'Subject: no lookup\r\n\r\nHi.\r\n' }),
    ...awaitDisconnectAndDelivery('nobody@mx.twinpost.test'),
  ],
  expect: {
    events: [
      { kind: 'connect', client: 'unknown[127.0.0.1]' },
      { kind: 'client', client: 'unknown[127.0.0.1]' },
      { kind: 'disconnect', client: 'unknown[127.0.0.1]' },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Received: /^from client\.example \(unknown \[127\.0\.0\.1\]\)/ } }],
    queue: 'empty',
  },
};
export default scenario;
