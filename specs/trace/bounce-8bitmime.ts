import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * A non-delivery notification for a remote sender goes out through smtp(8) like any mail.
 * bounce(8) writes it with "Content-Transfer-Encoding: 8bit" parts, and cleanup(8) marks the
 * notification 8-bit, so smtp(8) announces it with BODY=8BITMIME when the peer offers
 * 8BITMIME. bounce(8), cleanup(8), smtp(8).
 */
const scenario: Scenario = {
  id: 'trace/bounce-8bitmime',
  title: 'a bounce to a remote sender is sent with BODY=8BITMIME',
  description: 'The remote peer refuses the recipient with 550; the notification to the remote sender reaches the sender\'s peer as a null-sender message with MAIL FROM:<> ... BODY=8BITMIME.',
  sinks: {
    remote: { faults: [{ kind: 'reply', stage: 'rcpt', reply: '550 5.1.1 <bob@remote.example>: no such user' }] },
    far: {},
  },
  config: {
    main: { transport_maps: 'texthash:$config_directory/transport' },
    maps: [{ name: 'transport', content: 'remote.example smtp:{{sink:remote}}\nfar.example smtp:{{sink:far}}\n' }],
  },
  steps: [
    { kind: 'sendmail', args: ['-f', 'alice@far.example', 'bob@remote.example'], message: 'Subject: to bounce\n\nplain ascii body\n' },
    { kind: 'wait-sink', sink: 'far', messages: 1 },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    deliveries: [{
      sink: 'far', from: '', to: ['alice@far.example'],
      mailParams: [/^SIZE=\d+$/, 'BODY=8BITMIME'],
      headers: { Subject: 'Undelivered Mail Returned to Sender', 'Content-Transfer-Encoding': '8bit' },
      bodyIncludes: ['<bob@remote.example>: host 127.0.0.1[127.0.0.1] said: 550', 'Action: failed', 'Status: 5.1.1'],
    }],
    sinkMessages: { remote: 0, far: 1 },
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', dsn: '5.1.1', status: 'bounced' },
      { kind: 'notification', service: 'bounce', queueId: 'Q1', notificationId: 'Q2' },
      { kind: 'delivery', queueId: 'Q2', to: 'alice@far.example', status: 'sent' },
    ],
    queue: 'empty',
  },
};
export default scenario;
