import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, burstSteps } from './_burst.ts';

/**
 * The default positive feedback (default_destination_concurrency_positive_feedback = 1):
 * each successful delivery widens the window by 1 while the window is below the busy count
 * plus initial_destination_concurrency (qmgr_queue.c), so the window grows by a round of
 * deliveries at a time — the counterpart of positive-feedback-per-concurrency, measured over
 * the same 1.5 s window. postconf(5) default_destination_concurrency_positive_feedback.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): maxConcurrentWithin(1500ms)
 * 13/18/20; maxConcurrent 20/20/20; connections 25/25/25.
 */
const N = 60;

const scenario: Scenario = {
  id: 'qmgr-scheduling/positive-feedback-default',
  title: 'positive feedback 1 (the default): the window grows by a round of deliveries at a time',
  description: 'A burst of 60 messages to a peer slow at the end of DATA: more connections at once in the first 1.5 s than with the feedback 1/concurrency.',
  sinks: { remote: { down: true, faults: [{ kind: 'slow', stage: 'dot', delayMs: 500 }] } },
  config: burstConfig(),
  steps: [
    ...burstSteps(N, { timeoutMs: 60_000 }),
    { kind: 'sink-schedule', sink: 'remote', expect: { maxConcurrentWithinMs: { ms: 1500, range: { min: 11, max: 20 } }, maxConcurrent: { min: 18, max: 20 }, connections: { min: 20, max: 30 } } },
  ],
  expect: { sinkMessages: { remote: N }, queue: 'empty' },
};
export default scenario;
