import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, flushedBacklog } from './_burst.ts';

/**
 * default_destination_concurrency_failed_cohort_limit = 3 (the counterpart of
 * connect-421-dead, whose limit is the default 1): qmgr(8) declares a destination dead only
 * after 3 cohorts of failed sessions (a cohort: as many failures in a row as the concurrency
 * window), so a peer that answers 421 at connect sees more connections before qmgr stops and
 * defers the rest with "delivery temporarily suspended". postconf(5)
 * default_destination_concurrency_failed_cohort_limit, SCHEDULER_README.
 * The peer greets with 421 (RFC 5321 section 3.8), a failure of the whole site, as in
 * connect-421-dead.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): connections 5/5/5;
 * messagesPerConnection 0/0/0.
 */
const N = 10;

const scenario: Scenario = {
  id: 'qmgr-scheduling/connect-421-cohort-limit-3',
  title: 'failed cohort limit 3: more connections to a 421 peer before the destination is dead',
  description: 'Ten messages flushed to a peer that greets with 421, with a failed cohort limit of 3: the peer sees more connections than with the limit 1; the rest of the mail is deferred with "delivery temporarily suspended".',
  sinks: { remote: { down: true, faults: [{ kind: 'reply', stage: 'connect', reply: '421 4.3.2 try again later' }] } },
  config: burstConfig({ default_destination_concurrency_failed_cohort_limit: '3' }),
  steps: [
    ...flushedBacklog(N),
    // N deferrals while the peer was down, N more after the flush.
    { kind: 'wait', event: { kind: 'delivery', status: 'deferred' }, count: 2 * N },
    { kind: 'sink-schedule', sink: 'remote', expect: { connections: { min: 5, max: 8 }, messagesPerConnection: { min: 0, max: 0 } } },
  ],
  expect: { sinkMessages: { remote: 0 }, events: [{ kind: 'delivery', status: 'deferred', text: /^host 127\.0\.0\.1\[127\.0\.0\.1\] refused to talk to me: 421 4\.3\.2 try again later$/ }, { kind: 'delivery', status: 'deferred', text: /^delivery temporarily suspended: host 127\.0\.0\.1\[127\.0\.0\.1\] refused to talk to me: 421 4\.3\.2 try again later$/ }], queue: { count: N } },
};
export default scenario;
