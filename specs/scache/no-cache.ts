import type { Scenario } from '../../harness/scenario/types.ts';
import { BACKLOG, backlogConfig, backlogDeliveries, backlogSteps } from './_backlog.ts';

/**
 * Connection caching off (smtp_connection_cache_on_demand = no and no
 * smtp_connection_cache_destinations): smtp(8) closes its session after every delivery, so a
 * backlog of N messages costs N connections. postconf(5), smtp(8).
 */
const scenario: Scenario = {
  id: 'scache/no-cache',
  title: `without connection caching a backlog of ${BACKLOG} messages takes ${BACKLOG} connections`,
  description: 'smtp_connection_cache_on_demand = no: one connection per delivery, each carrying one message.',
  sinks: { remote: { down: true } },
  config: backlogConfig({ smtp_connection_cache_on_demand: 'no' }),
  steps: [...backlogSteps(), { kind: 'sink-connections', sink: 'remote', count: BACKLOG, transactions: Array(BACKLOG).fill(1) }],
  expect: { deliveries: backlogDeliveries(), events: [{ kind: 'delivery', status: 'sent', count: BACKLOG }], queue: 'empty' },
};
export default scenario;
