import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, flushedBacklog } from './_burst.ts';

/**
 * A peer that answers 421 at connect (RFC 5321 section 3.8: the service is closing) is a
 * failure of the whole site: smtp(8) defers the message ("host … refused to talk to me") and
 * qmgr(8) gives the destination negative feedback. With
 * default_destination_concurrency_failed_cohort_limit = 1, one cohort of failed sessions makes
 * the destination dead: qmgr stops connecting and defers the rest of its mail itself ("delivery
 * temporarily suspended"). The sessions already started when the first failure came back are
 * still made, so the peer sees a few connections, not one per message. qmgr(8),
 * postconf(5) default_destination_concurrency_failed_cohort_limit, SCHEDULER_README.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): connections 4/4/5;
 * messagesPerConnection 0/0/0.
 */
const N = 10;

const scenario: Scenario = {
  id: 'qmgr-scheduling/connect-421-dead',
  title: 'a peer answering 421 at connect gets a few connections, then the destination is dead',
  description: 'Ten messages flushed to a peer that greets with 421: the peer sees a handful of connections (none carrying mail); the rest of the mail is deferred with "delivery temporarily suspended".',
  sinks: { remote: { down: true, faults: [{ kind: 'reply', stage: 'connect', reply: '421 4.3.2 try again later' }] } },
  config: burstConfig(),
  steps: [
    ...flushedBacklog(N),
    // N deferrals while the peer was down, N more after the flush.
    { kind: 'wait', event: { kind: 'delivery', status: 'deferred' }, count: 2 * N },
    { kind: 'sink-schedule', sink: 'remote', expect: { connections: { min: 4, max: 6 }, messagesPerConnection: { min: 0, max: 0 } } },
  ],
  expect: { sinkMessages: { remote: 0 }, events: [{ kind: 'delivery', status: 'deferred', text: /^host 127\.0\.0\.1\[127\.0\.0\.1\] refused to talk to me: 421 4\.3\.2 try again later$/ }, { kind: 'delivery', status: 'deferred', text: /^delivery temporarily suspended: host 127\.0\.0\.1\[127\.0\.0\.1\] refused to talk to me: 421 4\.3\.2 try again later$/ }], queue: { count: N } },
};
export default scenario;
