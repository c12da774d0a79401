import { ABSENT, type Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage, relayToRemote, withAliases } from '../_shared/builders.ts';

/**
 * local(8) expands an alias. The local member is delivered to its mailbox; the remote member
 * is not delivered by local(8) at all: it goes back through cleanup as a NEW message, and
 * local logs "forwarded as NEWQID" for the alias. The original recipient (orig_to) is kept
 * on the new message, and every copy carries Delivered-To: the alias (the address local(8)
 * received, before expansion), for loop detection. local(8), aliases(5).
 */
const scenario: Scenario = {
  id: 'local/alias-reinjection',
  title: 'alias expansion re-injects the remote member as a new message',
  description: 'team → nobody (local mailbox) and carol@remote.example (forwarded as a new queue file, then relayed by smtp).',
  sinks: { remote: {} },
  config: withAliases('team: nobody, carol@remote.example\n', relayToRemote()),
  steps: [
    oneMessage({
      to: 'team@mx.twinpost.test',
      rcptReply: '250 2.1.5',
      data: 'From: alice@client.example\r\nTo: team@mx.twinpost.test\r\nSubject: to the team\r\n\r\nHi all.\r\n',
    }),
    ...awaitRelayed(1, 2),
  ],
  expect: {
    deliveries: [
      {
        sink: 'remote',
        from: 'alice@client.example',
        to: ['carol@remote.example'],
        headers: { 'Delivered-To': 'team@mx.twinpost.test', Subject: 'to the team' },
        bodyIncludes: ['Hi all.'],
      },
    ],
    mailboxes: [
      { user: 'nobody', messages: 1, headers: { 'Delivered-To': 'team@mx.twinpost.test', 'X-Original-To': 'team@mx.twinpost.test', Subject: 'to the team' } },
    ],
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'nobody@mx.twinpost.test', origTo: 'team@mx.twinpost.test', relay: 'local', status: 'sent', text: 'delivered to mailbox' },
      // local logs the forwarding under the alias itself (to = orig_to, so no orig_to field)
      { kind: 'delivery', queueId: 'Q1', to: 'team@mx.twinpost.test', origTo: ABSENT, relay: 'local', status: 'sent', forwardedAs: 'Q2' },
      { kind: 'queue-active', queueId: 'Q2', from: 'alice@client.example', nrcpt: 1 },
      // the new message keeps the original recipient
      { kind: 'delivery', queueId: 'Q2', to: 'carol@remote.example', origTo: 'team@mx.twinpost.test', status: 'sent', relay: /^127\.0\.0\.1\[127\.0\.0\.1\]:/ },
      { kind: 'removed', count: 2 },
    ],
    queue: 'empty',
  },
};
export default scenario;
