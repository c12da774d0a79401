import type { Scenario } from '../../harness/scenario/types.ts';
import { BACKLOG, backlogConfig, backlogDeliveries, backlogSteps } from './_backlog.ts';

/**
 * smtp_connection_reuse_count_limit = 2: a cached session may be reused only that many times
 * before smtp(8) closes it instead of saving it in scache(8) again. postconf(5)
 * smtp_connection_reuse_count_limit, smtp(8).
 */
const scenario: Scenario = {
  id: 'scache/reuse-count-limit',
  title: 'the reuse count limit closes a cached connection after its last allowed reuse',
  description: `With smtp_connection_reuse_count_limit = 2, the first flushed message goes alone (not cached) and the other ${BACKLOG - 1} are split into connections of at most 3 (first use plus two reuses): 1, 3, 2.`,
  sinks: { remote: { down: true } },
  config: backlogConfig({ smtp_connection_reuse_count_limit: '2' }),
  steps: [...backlogSteps(), { kind: 'sink-connections', sink: 'remote', count: 3, transactions: [1, 3, 2] }],
  expect: { deliveries: backlogDeliveries(), events: [{ kind: 'delivery', status: 'sent', count: BACKLOG }], queue: 'empty' },
};
export default scenario;
