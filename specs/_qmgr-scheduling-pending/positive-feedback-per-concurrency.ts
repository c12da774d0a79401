import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, burstSteps } from './_burst.ts';

/**
 * default_destination_concurrency_positive_feedback = 1/concurrency: each successful delivery
 * widens a destination's window by 1/window instead of by 1 (the default), so the window grows
 * by about one per round of deliveries instead of doubling: slow start is slower. postconf(5)
 * default_destination_concurrency_positive_feedback ("1/concurrency"), SCHEDULER_README.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): maxConcurrentWithin(1500ms) 7/7/7;
 * maxConcurrent 10/10/11; connections 15/15/16.
 */
const N = 60;

const scenario: Scenario = {
  id: 'qmgr-scheduling/positive-feedback-per-concurrency',
  title: 'positive feedback 1/concurrency: a slower slow start',
  description: 'A burst of 60 messages to a peer slow at the end of DATA: fewer connections at once in the first 1.5 s than with the default feedback of 1.',
  sinks: { remote: { down: true, faults: [{ kind: 'slow', stage: 'dot', delayMs: 500 }] } },
  config: burstConfig({ default_destination_concurrency_positive_feedback: '1/concurrency' }),
  steps: [
    ...burstSteps(N, { timeoutMs: 60_000 }),
    { kind: 'sink-schedule', sink: 'remote', expect: { maxConcurrentWithinMs: { ms: 1500, range: { min: 5, max: 9 } }, maxConcurrent: { min: 8, max: 13 }, connections: { min: 12, max: 19 } } },
  ],
  expect: { sinkMessages: { remote: N }, queue: 'empty' },
};
export default scenario;
