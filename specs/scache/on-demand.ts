import type { Scenario } from '../../harness/scenario/types.ts';
import { BACKLOG, backlogConfig, backlogDeliveries, backlogSteps } from './_backlog.ts';

/**
 * On-demand connection caching (the default, smtp_connection_cache_on_demand = yes): while
 * the destination has a backlog in the active queue qmgr asks smtp(8) to save the session in
 * scache(8) after each delivery and to look one up before connecting, so one SMTP connection
 * carries the backlog. The very first flushed message is dispatched before the others reach
 * the active queue, so it goes over a connection of its own (see _backlog.ts). smtp(8), scache(8), postconf(5) smtp_connection_cache_on_demand,
 * CONNECTION_CACHE_README.
 */
const scenario: Scenario = {
  id: 'scache/on-demand',
  title: `a backlog of ${BACKLOG} messages to one nexthop shares a cached connection`,
  description: `With on-demand caching and destination concurrency 1, the sink sees 2 connections: the first flushed message alone, then one cached connection carrying the other ${BACKLOG - 1}.`,
  sinks: { remote: { down: true } },
  config: backlogConfig(),
  steps: [...backlogSteps(), { kind: 'sink-connections', sink: 'remote', count: 2, transactions: [1, BACKLOG - 1] }],
  expect: { deliveries: backlogDeliveries(), events: [{ kind: 'delivery', status: 'sent', count: BACKLOG }], queue: 'empty' },
};
export default scenario;
