import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, flushedBacklog } from './_burst.ts';

/**
 * default_destination_concurrency_negative_feedback = 1/concurrency with a failed cohort limit
 * of 2: each failed session shrinks a destination's window by 1/window instead of by 1 (the
 * default), so the window stays open longer while the failures of a cohort come back, and the
 * peer sees more connections before the destination is dead. postconf(5)
 * default_destination_concurrency_negative_feedback, SCHEDULER_README.
 * The peer greets with 421 (RFC 5321 section 3.8), a failure of the whole site, as in
 * connect-421-dead.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): connections 8/9/9;
 * messagesPerConnection 0/0/0.
 */
const N = 10;

const scenario: Scenario = {
  id: 'qmgr-scheduling/negative-feedback-per-concurrency',
  title: 'negative feedback 1/concurrency: a 421 peer sees more connections before the destination is dead',
  description: 'Ten messages flushed to a peer that greets with 421, negative feedback 1/concurrency, failed cohort limit 2: the peer sees the connections of two cohorts; the rest of the mail is deferred with "delivery temporarily suspended".',
  sinks: { remote: { down: true, faults: [{ kind: 'reply', stage: 'connect', reply: '421 4.3.2 try again later' }] } },
  config: burstConfig({ default_destination_concurrency_negative_feedback: '1/concurrency', default_destination_concurrency_failed_cohort_limit: '2' }),
  steps: [
    ...flushedBacklog(N),
    // N deferrals while the peer was down, N more after the flush.
    { kind: 'wait', event: { kind: 'delivery', status: 'deferred' }, count: 2 * N },
    { kind: 'sink-schedule', sink: 'remote', expect: { connections: { min: 7, max: 11 }, messagesPerConnection: { min: 0, max: 0 } } },
  ],
  expect: { sinkMessages: { remote: 0 }, events: [{ kind: 'delivery', status: 'deferred', text: /^host 127\.0\.0\.1\[127\.0\.0\.1\] refused to talk to me: 421 4\.3\.2 try again later$/ }, { kind: 'delivery', status: 'deferred', text: /^delivery temporarily suspended: host 127\.0\.0\.1\[127\.0\.0\.1\] refused to talk to me: 421 4\.3\.2 try again later$/ }], queue: { count: N } },
};
export default scenario;
