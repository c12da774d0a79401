import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed } from '../_shared/builders.ts';

/**
 * qmgr sorts a message's recipients before it hands them to a delivery agent
 * (qmgr_message_sort): by transport, destination, recipient domain without regard to case,
 * then the whole address in internal form, so the quoted local part "x y" sorts as x y. One
 * SMTP transaction carries all four, in that order, whatever order the client gave them.
 * smtpd also takes the quoted sender and recipient (extract_addr), and the logs and the peer
 * see them quoted again. qmgr(8), smtpd(8), smtp(8).
 */
const scenario: Scenario = {
  id: 'qmgr/recipient-order',
  title: 'recipients are delivered in qmgr\'s sorted order, quoted local parts included',
  description: 'Four recipients given as zed@, "x y"@, amy@remote.example and bob@other.example reach the peer in one transaction as bob@other.example, amy@, "x y"@, zed@remote.example.',
  sinks: { remote: {} },
  config: {
    main: { transport_maps: 'texthash:$config_directory/transport' },
    maps: [{ name: 'transport', content: 'remote.example smtp:{{sink:remote}}\nother.example smtp:{{sink:remote}}\n' }],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<"a b"@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<zed@remote.example>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<"x y"@remote.example>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<amy@remote.example>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<bob@other.example>', expect: '250 2.1.5' },
        { data: 'Subject: order\r\n\r\nfour recipients\r\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: '"a b"@client.example', to: ['bob@other.example', 'amy@remote.example', '"x y"@remote.example', 'zed@remote.example'] },
    ],
    events: [
      { kind: 'queue-active', queueId: 'Q1', from: '"a b"@client.example', nrcpt: 4 },
      { kind: 'delivery', queueId: 'Q1', to: '"x y"@remote.example', status: 'sent' },
      { kind: 'delivery', queueId: 'Q1', status: 'sent', count: 4 },
      { kind: 'removed', queueId: 'Q1' },
    ],
    queue: 'empty',
  },
};
export default scenario;
