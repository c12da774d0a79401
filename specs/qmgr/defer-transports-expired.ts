import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * defer_transports and maximal_queue_lifetime (postconf(5), qmgr(8)). Mail for a transport
 * named in defer_transports is not delivered: qmgr defers its recipients with the reason
 * "deferred transport" without contacting the delivery agent, so the peer sees nothing.
 * maximal_queue_lifetime = 0 means one try only: a message that is deferred is at once
 * returned to its sender ("status=expired, returned to sender") with the deferral reason in the
 * non-delivery notice. qmgr also cuts bounce_queue_lifetime (5d) down to the shorter
 * maximal_queue_lifetime, with a warning when it starts.
 */
const scenario: Scenario = {
  id: 'qmgr/defer-transports-expired',
  title: 'defer_transports holds mail back; maximal_queue_lifetime = 0 returns it at once',
  description: 'A message from a local user to a remote address: the smtp transport is in defer_transports, so the recipient is deferred without delivery; with maximal_queue_lifetime = 0 the message expires and the sender gets the notice in its mailbox.',
  sinks: { remote: {} },
  config: relayToRemote({
    defer_transports: 'smtp',
    maximal_queue_lifetime: '0',
  }),
  steps: [
    oneMessage({ from: 'nobody@mx.twinpost.test', data: 'From: nobody@mx.twinpost.test\r\nSubject: held back\r\n\r\nnot today\r\n' }),
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', status: 'deferred', dsn: '4.3.2', text: 'deferred transport' },
      { kind: 'notification', what: 'sender non-delivery notification' },
      { kind: 'warning', service: 'qmgr', text: 'bounce_queue_lifetime is larger than maximal_queue_lifetime - adjusting bounce_queue_lifetime' },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, bodyIncludes: ['<bob@remote.example>: deferred transport'] }],
    queue: 'empty',
  },
};
export default scenario;
