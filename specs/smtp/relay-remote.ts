import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, relayToRemote } from '../_shared/builders.ts';

/**
 * A client in mynetworks relays to a remote domain: smtpd accepts (permit_mynetworks),
 * cleanup adds Received, qmgr hands the recipient to smtp(8), which delivers it to the peer
 * named by transport_maps. smtpd(8), transport(5), smtp(8).
 */
const scenario: Scenario = {
  id: 'smtp/relay-remote',
  title: 'relay to a remote domain lands at the peer with the exact envelope',
  description: 'Mail from a trusted client to a domain that is not local goes out through smtp(8) to the nexthop transport_maps gives; the peer sees the original envelope and a Received header from the relaying smtpd.',
  sinks: { remote: {} },
  config: relayToRemote(),
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example> SIZE=200', expect: '250 2.1.0' },
        { command: 'RCPT TO:<bob@remote.example>', expect: '250 2.1.5' },
        { data: 'From: alice@client.example\r\nTo: bob@remote.example\r\nSubject: relay test\r\n\r\nHello Bob.\r\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [
      {
        sink: 'remote',
        from: 'alice@client.example',
        to: ['bob@remote.example'],
        mailParams: [/^SIZE=\d+$/],
        headers: {
          Received: /^from client\.example \(localhost \[127\.0\.0\.1\]\)\s+by mx\.twinpost\.test \(Postfix\) with ESMTP id [0-9A-F]+\s+for <bob@remote\.example>;/,
          Subject: 'relay test',
          'Message-Id': /^<.+@mx\.twinpost\.test>$/,
          Date: true,
        },
        bodyIncludes: ['Hello Bob.'],
      },
    ],
    events: [
      { kind: 'client', queueId: 'Q1', client: 'localhost[127.0.0.1]' },
      { kind: 'queue-active', queueId: 'Q1', from: 'alice@client.example', nrcpt: 1 },
      { kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', status: 'sent', dsn: '2.0.0', relay: /^127\.0\.0\.1\[127\.0\.0\.1\]:/ },
      { kind: 'removed', queueId: 'Q1' },
    ],
    queue: 'empty',
  },
};
export default scenario;
