import type { Scenario } from '../../harness/scenario/types.ts';
import { backlogDeliveries, backlogRoute, flushDelivered, submitDeferred } from './_backlog.ts';

/**
 * The "N/concurrency" form of <transport>_destination_concurrency_positive_feedback
 * (qmgr_feedback.c, postconf(5)): each delivery that reaches the site adds 1/window to the
 * positive feedback, and the window widens by one only when the feedback adds up to 1 — one
 * step per window's worth of deliveries instead of one per delivery (compare
 * qmgr/slow-start). From smtp_initial_destination_concurrency = 2, with a peer that takes
 * 0.5 s to answer the end of DATA, a flushed backlog of 8 goes as 2 deliveries, then 3 (the
 * window reached 3 after two successes), and the last 3, back to back with those, reuse their
 * cached connections: 5 connections carrying 1, 1, 2, 2, 2 messages.
 */
const N = 8;
const scenario: Scenario = {
  id: 'qmgr/positive-feedback-per-concurrency',
  title: 'smtp_destination_concurrency_positive_feedback = 1/concurrency: a slower slow start',
  description: `A backlog of ${N} messages to a peer slow at the end of DATA, initial concurrency 2, positive feedback 1/concurrency: 5 connections carrying [1,1,2,2,2].`,
  sinks: { remote: { down: true } },
  config: backlogRoute({ smtp_initial_destination_concurrency: '2', smtp_destination_concurrency_positive_feedback: '1/concurrency' }),
  steps: [
    ...submitDeferred(N),
    { kind: 'sink', sink: 'remote', action: 'faults', faults: [{ kind: 'slow', stage: 'dot', delayMs: 500 }] },
    ...flushDelivered(N),
    { kind: 'sink-connections', sink: 'remote', count: 5, transactions: [1, 1, 2, 2, 2] },
  ],
  expect: { deliveries: backlogDeliveries(N), events: [{ kind: 'delivery', status: 'sent', count: N }], queue: 'empty' },
};
export default scenario;
