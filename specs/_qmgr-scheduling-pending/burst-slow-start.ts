import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, burstSteps } from './_burst.ts';

/**
 * Slow start and on-demand connection caching under a burst (issue 23). 80 messages reach
 * qmgr's active queue at once for one relay destination whose peer takes 0.5 s to answer the
 * end of DATA. qmgr(8) starts the destination at initial_destination_concurrency (5); each
 * successful delivery widens the window by the positive feedback
 * (default_destination_concurrency_positive_feedback = 1), but only while the window is below
 * the busy count plus the initial concurrency (qmgr_queue.c), up to
 * smtp_destination_concurrency_limit (default_destination_concurrency_limit, 20);
 * SCHEDULER_README "concurrency scheduling". While the destination has a backlog, qmgr asks
 * smtp(8) to keep each session in scache(8) and to reuse it (smtp_connection_cache_on_demand),
 * so a connection carries several messages.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): connections 25/25/25; maxConcurrent
 * 20/20/20; maxConcurrentWithin(1000ms) 8/10/10; messagesPerConnection 3.2/3.2/3.2.
 */
const N = 80;

const scenario: Scenario = {
  id: 'qmgr-scheduling/burst-slow-start',
  title: `a burst of ${N} messages to a slow peer: slow start to 20 connections, cached sessions`,
  description: `Postfix opens far fewer than ${N} connections, stays near initial_destination_concurrency in the first second and reaches the concurrency limit later; connections carry several messages each.`,
  sinks: { remote: { down: true, faults: [{ kind: 'slow', stage: 'dot', delayMs: 500 }] } },
  config: burstConfig(),
  steps: [
    ...burstSteps(N, { timeoutMs: 60_000 }),
    { kind: 'sink-schedule', sink: 'remote', expect: { connections: { min: 20, max: 30 }, maxConcurrent: { min: 18, max: 20 }, maxConcurrentWithinMs: { ms: 1000, range: { min: 6, max: 12 } }, messagesPerConnection: { min: 2.6, max: 4 } } },
  ],
  expect: { sinkMessages: { remote: N }, queue: 'empty' },
};
export default scenario;
