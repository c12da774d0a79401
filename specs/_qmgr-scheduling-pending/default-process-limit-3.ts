import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, burstSteps } from './_burst.ts';

/**
 * default_process_limit = 3: a master.cf service whose maxproc is "-" (smtp's, in the default
 * master.cf) runs at most 3 processes, so qmgr(8) never has more than 3 smtp(8) agents to hand
 * deliveries to, and a peer sees at most 3 connections at once. postconf(5)
 * default_process_limit, master(5).
 * The peer counts an idle session smtp(8) keeps in scache(8) as open, so it may see one more.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): maxConcurrent 3/3/4; connections
 * 6/6/6; messagesPerConnection 3.33/3.33/3.33.
 */
const N = 20;

const scenario: Scenario = {
  id: 'qmgr-scheduling/default-process-limit-3',
  title: 'default_process_limit = 3 caps smtp at 3 concurrent deliveries',
  description: 'A burst of 20 messages with default_process_limit = 3: never more than 3 connections at once.',
  sinks: { remote: { down: true, faults: [{ kind: 'slow', stage: 'dot', delayMs: 300 }] } },
  config: burstConfig({ default_process_limit: '3' }),
  steps: [
    ...burstSteps(N, { timeoutMs: 60_000 }),
    { kind: 'sink-schedule', sink: 'remote', expect: { maxConcurrent: { min: 3, max: 4 }, connections: { min: 5, max: 8 }, messagesPerConnection: { min: 2.5, max: 4.5 } } },
  ],
  expect: { sinkMessages: { remote: N }, queue: 'empty' },
};
export default scenario;
