import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, burstSteps } from './_burst.ts';

/**
 * smtp_connection_reuse_count_limit = 3: a cached session is reused at most 3 times, so under
 * a backlog (on-demand caching on) no connection carries more than 4 messages, and the peer
 * sees more connections than with unlimited reuse. postconf(5)
 * smtp_connection_reuse_count_limit, CONNECTION_CACHE_README.
 * The peer counts an idle session smtp(8) keeps in scache(8) as open, so it may see one more.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): maxMessagesPerConnection 4/4/4;
 * connections 8/8/8; messagesPerConnection 3/3/3.
 */
const N = 24;

const scenario: Scenario = {
  id: 'qmgr-scheduling/reuse-count-limit-burst',
  title: 'smtp_connection_reuse_count_limit = 3: at most 4 messages a connection under a backlog',
  description: 'A burst of 24 messages at concurrency 2: every connection carries at most 4 messages.',
  sinks: { remote: { down: true, faults: [{ kind: 'slow', stage: 'dot', delayMs: 100 }] } },
  config: burstConfig({ smtp_connection_reuse_count_limit: '3', smtp_destination_concurrency_limit: '2' }),
  steps: [
    ...burstSteps(N, { timeoutMs: 60_000 }),
    { kind: 'sink-schedule', sink: 'remote', expect: { maxMessagesPerConnection: { min: 3, max: 4 }, connections: { min: 7, max: 10 }, messagesPerConnection: { min: 2.4, max: 3.5 } } },
  ],
  expect: { sinkMessages: { remote: N }, queue: 'empty' },
};
export default scenario;
