import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, burstSteps } from './_burst.ts';

/**
 * The process limit of a delivery transport caps its concurrency: master.cf gives the
 * transport "slow" (an smtp(8)) a maxproc of 2, so master(8) runs at most 2 of its processes
 * and qmgr(8), which hands a request only to an agent that is free, never runs more than 2
 * deliveries over it, below the destination concurrency limit of 20. master(5) "maximum number
 * of processes", qmgr(8).
 * The peer counts an idle session smtp(8) keeps in scache(8) as open, so it may see one more.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): maxConcurrent 2/2/3; connections
 * 4/4/4; messagesPerConnection 5/5/5.
 */
const N = 20;

const scenario: Scenario = {
  id: 'qmgr-scheduling/maxproc-2',
  title: 'master.cf maxproc 2 for a transport caps its concurrency at 2',
  description: 'A burst of 20 messages over a transport with maxproc 2: never more than 2 connections at once.',
  sinks: { remote: { down: true, faults: [{ kind: 'slow', stage: 'dot', delayMs: 300 }] } },
  config: burstConfig({}, { transport: 'slow', master: ['slow unix - - n - 2 smtp'] }),
  steps: [
    ...burstSteps(N, { timeoutMs: 60_000 }),
    { kind: 'sink-schedule', sink: 'remote', expect: { maxConcurrent: { min: 2, max: 3 }, connections: { min: 3, max: 6 }, messagesPerConnection: { min: 3.3, max: 7 } } },
  ],
  expect: { sinkMessages: { remote: N }, queue: 'empty' },
};
export default scenario;
