import type { Scenario } from '../../harness/scenario/types.ts';
import { NO_RETRY_DURING_RUN, awaitRelayed, oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * A peer answers 450 at RCPT: smtp(8) defers the recipient, qmgr moves the message to the
 * deferred queue, and postqueue -j shows it with the peer's reply as delay_reason. When the
 * peer recovers, postqueue -f makes qmgr retry at once and the mail is delivered.
 * qmgr(8), postqueue(1), smtp(8).
 */
const scenario: Scenario = {
  id: 'qmgr/deferred-then-flushed',
  title: 'a 450 at RCPT defers; after the peer recovers a flush delivers',
  description: 'The deferral is visible in the queue with its reason; queue_run_delay is long, so only the flush explains the delivery.',
  sinks: { remote: { faults: [{ kind: 'reply', stage: 'rcpt', reply: '450 4.2.0 <bob@remote.example>: mailbox busy, try later' }] } },
  config: relayToRemote({
    ...NO_RETRY_DURING_RUN,
  }),
  steps: [
    oneMessage({ data: 'Subject: deferred at first\r\n\r\nretry me\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', to: 'bob@remote.example', status: 'deferred' } },
    {
      kind: 'queue',
      expect: {
        count: 1,
        entries: [{ queue_name: 'deferred', sender: 'alice@client.example', recipients: [{ address: 'bob@remote.example', delay_reason: /^host 127\.0\.0\.1\[127\.0\.0\.1\] said: 450 4\.2\.0 <bob@remote\.example>: mailbox busy, try later \(in reply to RCPT TO command\)$/ }] }],
      },
    },
    { kind: 'sink', sink: 'remote', action: 'faults', faults: [] },
    { kind: 'flush' },
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['bob@remote.example'], headers: { Subject: 'deferred at first' } }],
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', status: 'deferred', dsn: '4.2.0', text: /^host 127\.0\.0\.1\[127\.0\.0\.1\] said: 450 4\.2\.0 / },
      { kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', status: 'sent', dsn: '2.0.0' },
      { kind: 'removed', queueId: 'Q1' },
    ],
    queue: 'empty',
  },
};
export default scenario;
