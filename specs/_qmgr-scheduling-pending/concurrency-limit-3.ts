import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, burstSteps } from './_burst.ts';

/**
 * smtp_destination_concurrency_limit = 3: however large the backlog, qmgr(8) never runs more
 * than 3 deliveries to one destination of the smtp transport at once (the window is capped at
 * the transport's destination concurrency limit: qmgr_queue.c); a peer sees at most 3
 * connections at a time. postconf(5) transport_destination_concurrency_limit.
 * The peer counts an idle session smtp(8) keeps in scache(8) as open, so it may see one more.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): maxConcurrent 3/3/3; connections
 * 6/6/6; messagesPerConnection 5/5/5.
 */
const N = 30;

const scenario: Scenario = {
  id: 'qmgr-scheduling/concurrency-limit-3',
  title: 'smtp_destination_concurrency_limit = 3 caps the connections to one destination at 3',
  description: 'A burst of 30 messages to a peer slow at the end of DATA: never more than 3 connections at a time.',
  sinks: { remote: { down: true, faults: [{ kind: 'slow', stage: 'dot', delayMs: 300 }] } },
  config: burstConfig({ smtp_destination_concurrency_limit: '3' }),
  steps: [
    ...burstSteps(N, { timeoutMs: 60_000 }),
    { kind: 'sink-schedule', sink: 'remote', expect: { maxConcurrent: { min: 3, max: 4 }, connections: { min: 4, max: 9 }, messagesPerConnection: { min: 3.3, max: 7.5 } } },
  ],
  expect: { sinkMessages: { remote: N }, queue: 'empty' },
};
export default scenario;
