import type { Scenario } from '../../harness/scenario/types.ts';
import { backlogDeliveries, backlogRoute, flushDelivered, submitDeferred } from './_backlog.ts';

/**
 * Slow start of a destination's concurrency up to its limit (qmgr_queue.c, SCHEDULER_README
 * "Destination concurrency scheduling"): the window starts at
 * smtp_initial_destination_concurrency (2) and a delivery that reaches the site widens it by
 * one (positive feedback 1), never past smtp_destination_concurrency_limit (3). With a peer
 * that takes 0.5 s to answer the end of DATA, a flushed backlog of 8 goes as 2 deliveries,
 * then 3 as those end (the window is 3 after the first success); those later ones are back to
 * back, so they carry on-demand caching (qmgr_entry.c) and their cached connections carry the
 * last 3 messages. The peer sees 5 connections: 1, 1, 2, 2, 2 messages in the order they were
 * opened. (Without the limit, how far the window grows at the end of the first 2 deliveries
 * depends on whether the agent took the next request before the second one ended.)
 */
const N = 8;
const scenario: Scenario = {
  id: 'qmgr/slow-start',
  title: 'initial destination concurrency 2, limit 3: 2 connections, then 3, then cached ones reused',
  description: `A backlog of ${N} messages to a peer slow at the end of DATA, smtp_initial_destination_concurrency = 2 and smtp_destination_concurrency_limit = 3: 5 connections carrying [1,1,2,2,2].`,
  sinks: { remote: { down: true } },
  config: backlogRoute({ smtp_initial_destination_concurrency: '2', smtp_destination_concurrency_limit: '3' }),
  steps: [
    ...submitDeferred(N),
    { kind: 'sink', sink: 'remote', action: 'faults', faults: [{ kind: 'slow', stage: 'dot', delayMs: 500 }] },
    ...flushDelivered(N),
    { kind: 'sink-connections', sink: 'remote', count: 5, transactions: [1, 1, 2, 2, 2] },
  ],
  expect: { deliveries: backlogDeliveries(N), events: [{ kind: 'delivery', status: 'sent', count: N }], queue: 'empty' },
};
export default scenario;
