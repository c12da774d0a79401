import type { Scenario } from '../../harness/scenario/types.ts';
import { backlogConfig, backlogDeliveries, backlogSteps } from './_backlog.ts';

/**
 * smtp_connection_reuse_time_limit = 1s with a peer that takes 2.1 s to accept each message:
 * when a delivery ends, the session is older than the reuse time limit, so smtp(8) closes it
 * instead of saving it in scache(8), and every delivery opens a new connection. smtp(8)
 * compares whole seconds (connect time + limit against the time of the last I/O), so the
 * delay is over two seconds to be on the far side of any rounding. postconf(5)
 * smtp_connection_reuse_time_limit, smtp(8).
 */
const N = 4;
const scenario: Scenario = {
  id: 'scache/reuse-time-limit',
  title: 'the reuse time limit stops a slow session from being cached',
  description: `A session older than smtp_connection_reuse_time_limit after its delivery is closed, not cached: ${N} messages, ${N} connections.`,
  sinks: { remote: { down: true, faults: [{ kind: 'slow', stage: 'dot', delayMs: 2100 }] } },
  config: backlogConfig({ smtp_connection_reuse_time_limit: '1s' }),
  steps: [...backlogSteps(N), { kind: 'sink-connections', sink: 'remote', count: N, transactions: Array(N).fill(1) }],
  expect: { deliveries: backlogDeliveries(N), events: [{ kind: 'delivery', status: 'sent', count: N }], queue: 'empty' },
};
export default scenario;
