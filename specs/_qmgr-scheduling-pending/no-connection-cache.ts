import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, burstSteps } from './_burst.ts';

/**
 * smtp_connection_cache_on_demand = no (and no smtp_connection_cache_destinations): smtp(8)
 * closes every session after its delivery, so even a backlog to one destination costs one
 * connection per message. postconf(5) smtp_connection_cache_on_demand,
 * CONNECTION_CACHE_README.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): connections 20/20/20;
 * maxMessagesPerConnection 1/1/1; maxConcurrent 9/10/11.
 */
const N = 20;

const scenario: Scenario = {
  id: 'qmgr-scheduling/no-connection-cache',
  title: 'without on-demand caching every message of a backlog has its own connection',
  description: 'A burst of 20 messages: 20 connections, one message each.',
  sinks: { remote: { down: true, faults: [{ kind: 'slow', stage: 'dot', delayMs: 200 }] } },
  config: burstConfig({ smtp_connection_cache_on_demand: 'no' }),
  steps: [
    ...burstSteps(N, { timeoutMs: 60_000 }),
    { kind: 'sink-schedule', sink: 'remote', expect: { connections: { min: 20, max: 20 }, maxMessagesPerConnection: { min: 1, max: 1 }, maxConcurrent: { min: 7, max: 13 } } },
  ],
  expect: { sinkMessages: { remote: N }, queue: 'empty' },
};
export default scenario;
