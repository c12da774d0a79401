import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed } from '../_shared/builders.ts';

/**
 * qmgr sorts a message's recipients by the address trivial-rewrite resolved them to, not by
 * the address in the queue file (qmgr_message_resolve() replaces the recipient before
 * qmgr_message_sort()). With append_at_myorigin = no cleanup leaves "carol" and "dave"
 * unqualified in the queue file; resolve(8) qualifies an address without a domain with
 * @$myhostname (so no recipient qmgr sorts is without "@"), and they sort by that domain,
 * before remote.example; the log shows the queue file's address as orig_to. local_transport here
 * sends local mail to the same peer as remote.example, so all four share one queue and one SMTP
 * transaction. qmgr(8), trivial-rewrite(8), postconf(5) append_at_myorigin, local_transport.
 */
const scenario: Scenario = {
  id: 'qmgr/recipient-order-unqualified',
  title: 'unqualified recipients are sorted by their resolved address',
  description: 'RCPT TO carol, bob@remote.example, amy@remote.example, dave (append_at_myorigin = no) reach the peer in one transaction as carol@ and dave@mx.twinpost.test, then amy@ and bob@remote.example.',
  sinks: { remote: {} },
  config: {
    main: {
      append_at_myorigin: 'no',
      local_recipient_maps: '',
      local_transport: 'smtp:{{sink:remote}}',
      transport_maps: 'texthash:$config_directory/transport',
    },
    maps: [{ name: 'transport', content: 'remote.example smtp:{{sink:remote}}\n' }],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<carol>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<bob@remote.example>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<amy@remote.example>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<dave>', expect: '250 2.1.5' },
        { data: 'Subject: unqualified\r\n\r\ntwo recipients without a domain\r\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: 'alice@client.example', to: ['carol@mx.twinpost.test', 'dave@mx.twinpost.test', 'amy@remote.example', 'bob@remote.example'] },
    ],
    events: [
      { kind: 'queue-active', queueId: 'Q1', from: 'alice@client.example', nrcpt: 4 },
      { kind: 'delivery', queueId: 'Q1', to: 'carol@mx.twinpost.test', origTo: 'carol', status: 'sent' },
      { kind: 'delivery', queueId: 'Q1', status: 'sent', count: 4 },
      { kind: 'removed', queueId: 'Q1' },
    ],
    queue: 'empty',
  },
};
export default scenario;
