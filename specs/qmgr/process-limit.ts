import type { Scenario } from '../../harness/scenario/types.ts';
import { backlogDeliveries, backlogRoute, flushDelivered, submitDeferred } from './_backlog.ts';

/**
 * A delivery transport's process limit (master.cf maxproc) caps how many deliveries qmgr runs
 * for it at once, whatever the destination's concurrency window allows: qmgr hands a delivery
 * to an agent process only when master lets one accept the request (qmgr_transport.c,
 * master(5) maxproc). With maxproc 1 the backlog goes one message at a time although
 * initial_destination_concurrency is 5; the first flushed message goes on a connection of its
 * own, the others back to back, so qmgr asks for on-demand connection caching and one cached
 * connection carries them (qmgr_entry.c, CONNECTION_CACHE_README).
 */
const N = 6;
const scenario: Scenario = {
  id: 'qmgr/process-limit',
  title: 'master.cf maxproc 1 for the delivery transport: one delivery at a time',
  description: `A backlog of ${N} messages through a transport whose master.cf maxproc is 1: the peer sees 2 connections, the first carrying 1 message and the second, cached, ${N - 1}.`,
  sinks: { remote: { down: true } },
  config: backlogRoute({}, 'onebyone', ['onebyone unix - - n - 1 smtp']),
  steps: [...submitDeferred(N), ...flushDelivered(N), { kind: 'sink-connections', sink: 'remote', count: 2, transactions: [1, N - 1] }],
  expect: { deliveries: backlogDeliveries(N), events: [{ kind: 'delivery', status: 'sent', count: N }], queue: 'empty' },
};
export default scenario;
