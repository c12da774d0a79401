import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, burstSteps } from './_burst.ts';

/**
 * initial_destination_concurrency = 2: qmgr(8) starts a destination with a window of 2
 * concurrent deliveries and widens it only on positive feedback, when deliveries complete. A
 * burst to a peer that takes 0.5 s to answer the end of DATA therefore sees at most 2
 * connections until the first deliveries are done, and more later (the window grows while it is
 * below the busy count plus the initial concurrency: qmgr_queue.c). postconf(5)
 * initial_destination_concurrency, SCHEDULER_README "concurrency scheduling".
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): maxConcurrentWithin(400ms) 2/2/2;
 * maxConcurrent 9/10.5/14; connections 11/12.5/16.
 */
const N = 30;

const scenario: Scenario = {
  id: 'qmgr-scheduling/initial-concurrency-2',
  title: 'initial_destination_concurrency = 2: two connections until the first deliveries complete',
  description: 'A burst of 30 messages to a peer slow at the end of DATA: at most 2 connections in the first 400 ms, more once deliveries complete.',
  sinks: { remote: { down: true, faults: [{ kind: 'slow', stage: 'dot', delayMs: 500 }] } },
  config: burstConfig({ initial_destination_concurrency: '2' }),
  steps: [
    ...burstSteps(N, { timeoutMs: 60_000 }),
    { kind: 'sink-schedule', sink: 'remote', expect: { maxConcurrentWithinMs: { ms: 400, range: { min: 1, max: 2 } }, maxConcurrent: { min: 6, max: 16 }, connections: { min: 8, max: 20 } } },
  ],
  expect: { sinkMessages: { remote: N }, queue: 'empty' },
};
export default scenario;
