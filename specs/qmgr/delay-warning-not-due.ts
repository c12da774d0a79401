import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * delay_warning_time (postconf(5), qmgr(8)): cleanup records when a warning becomes due, and
 * qmgr sends the sender a "delayed mail" notice only at a deferral that happens at or after
 * that time. A message deferred a moment after it arrived, with delay_warning_time = 1h, gets
 * no warning: the sender's mailbox receives only the later letter sent to it, and the message
 * waits in the deferred queue. Written for the mutation campaign: the one scenario with a delay
 * warning waits for it, so a reference that warned at the first deferral passed.
 */
const scenario: Scenario = {
  id: 'qmgr/delay-warning-not-due',
  title: 'delay_warning_time = 1h: no warning at a deferral before that time',
  description: 'smtp is in defer_transports. nobody@mx.twinpost.test sends to carol@remote.example (deferred at once, no warning); then a letter to nobody shows what its mailbox holds.',
  sinks: { remote: {} },
  config: relayToRemote({
    defer_transports: 'smtp',
    delay_warning_time: '1h',
  }),
  steps: [
    oneMessage({
      from: 'nobody@mx.twinpost.test',
      to: 'carol@remote.example',
      data: 'From: nobody@mx.twinpost.test\r\nSubject: a letter\r\n\r\nhello\r\n',
    }),
    { kind: 'wait', event: { kind: 'delivery', to: 'carol@remote.example', status: 'deferred' } },
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred' }] } },
    oneMessage({ to: 'nobody@mx.twinpost.test', data: 'From: alice@client.example\r\nSubject: a reply\r\n\r\nhello again\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'carol@remote.example', status: 'deferred', dsn: '4.3.2', text: 'deferred transport' },
    ],
    noEvents: [{ kind: 'notification' }],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'a reply' } }],
    queue: { count: 1, entries: [{ queue_name: 'deferred', sender: 'nobody@mx.twinpost.test' }] },
  },
};
export default scenario;
