import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, relayToRemote, withAliases } from '../_shared/builders.ts';

/**
 * A forwarded copy that cleanup refuses (local(8) forward.c, cleanup(8) with the bounce flag
 * local sets for forwarded mail): the copy local(8) re-injects carries one more Received:
 * header, and when that reaches hopcount_limit cleanup logs "message rejected: hopcount
 * exceeded", bounces the copy itself ("status=bounced (too many hops)" for the new queue ID)
 * and returns the sender a notice — and so tells local(8) the copy was taken care of: the
 * original recipient is "sent (forwarded as QID)". Written for the mutation campaign: no
 * scenario made cleanup refuse a forwarded copy, so a reference that logged "forwarded as"
 * whatever cleanup answered passed.
 */
const scenario: Scenario = {
  id: 'local/forward-too-many-hops',
  title: 'a forwarded copy over hopcount_limit: bounced by cleanup, the original "forwarded as"',
  description: 'hopcount_limit = 3; a message with one Received: header from the client (two with smtpd\'s) to fwd@, an alias for carol@remote.example: the forwarded copy has three, cleanup bounces it to nobody (the sender), nothing reaches the peer.',
  sinks: { remote: {} },
  config: withAliases('fwd: carol@remote.example\n', relayToRemote({ hopcount_limit: '3' })),
  steps: [
    oneMessage({
      from: 'nobody@mx.twinpost.test',
      to: 'fwd@mx.twinpost.test',
      rcptReply: '250 2.1.5',
      data: 'Received: from a.example by client.example; Mon, 7 Dec 2026 10:00:00 +0000\r\nFrom: nobody@mx.twinpost.test\r\nSubject: hops\r\n\r\nHi.\r\n',
    }),
    { kind: 'wait', event: { kind: 'delivery', to: 'fwd@mx.twinpost.test' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'fwd@mx.twinpost.test', status: 'sent', text: 'forwarded as Q2' },
      { kind: 'warning', service: 'cleanup', text: 'Q2: message rejected: hopcount exceeded' },
      { kind: 'delivery', queueId: 'Q2', to: 'carol@remote.example', status: 'bounced', dsn: '5.4.0', text: 'too many hops' },
      { kind: 'notification', queueId: 'Q2', what: 'sender non-delivery notification' },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'Undelivered Mail Returned to Sender' }, bodyIncludes: ['<carol@remote.example> (expanded from <fwd@mx.twinpost.test>): too many hops'] }],
    queue: 'empty',
  },
};
export default scenario;
