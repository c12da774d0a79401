import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * bounce_queue_lifetime (postconf(5), qmgr(8)): mail from the null sender — a notice that
 * could not be delivered — is given up after bounce_queue_lifetime, other mail after
 * maximal_queue_lifetime. With bounce_queue_lifetime = 0 a deferred message from <> expires
 * at its first deferral ("from=<>, status=expired, returned to sender"; with the default
 * notify_classes nobody gets a notice about it), while the same deferral of a message from a
 * user leaves it in the deferred queue (maximal_queue_lifetime is 5d). Written for the
 * mutation campaign: no scenario deferred mail from <>.
 */
const scenario: Scenario = {
  id: 'qmgr/bounce-queue-lifetime',
  title: 'bounce_queue_lifetime = 0: deferred mail from <> expires at once, mail from a user stays',
  description: 'smtp is in defer_transports. A message from <> to bob@remote.example is deferred and expires at once; a message from nobody@mx.twinpost.test to carol@remote.example is deferred and stays queued.',
  sinks: { remote: {} },
  config: relayToRemote({
    defer_transports: 'smtp',
    bounce_queue_lifetime: '0',
  }),
  steps: [
    oneMessage({ from: '', data: 'From: MAILER-DAEMON@client.example\r\nSubject: a notice\r\n\r\nundeliverable\r\n' }),
    { kind: 'wait', event: { kind: 'removed', queueId: 'Q1' } },
    oneMessage({
      from: 'nobody@mx.twinpost.test',
      to: 'carol@remote.example',
      data: 'From: nobody@mx.twinpost.test\r\nSubject: a letter\r\n\r\nhello\r\n',
    }),
    { kind: 'wait', event: { kind: 'delivery', to: 'carol@remote.example', status: 'deferred' } },
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred', sender: 'nobody@mx.twinpost.test' }] } },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', status: 'deferred', dsn: '4.3.2', text: 'deferred transport' },
      { kind: 'expired', queueId: 'Q1', from: '' },
      { kind: 'delivery', queueId: 'Q2', to: 'carol@remote.example', status: 'deferred', dsn: '4.3.2', text: 'deferred transport' },
    ],
    noEvents: [{ kind: 'expired', queueId: 'Q2' }],
    mailboxes: [],
    queue: { count: 1, entries: [{ queue_name: 'deferred', sender: 'nobody@mx.twinpost.test', recipients: [{ address: 'carol@remote.example', delay_reason: 'deferred transport' }] }] },
  },
};
export default scenario;
