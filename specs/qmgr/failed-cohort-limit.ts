import type { Scenario } from '../../harness/scenario/types.ts';
import { NO_RETRY_DURING_RUN, oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * A destination becomes dead after <transport>_destination_concurrency_failed_cohort_limit
 * failed pseudo-cohorts: each delivery that cannot reach the site adds 1/window, and the window
 * starts at <transport>_initial_destination_concurrency (qmgr_queue.c qmgr_queue_throttle(),
 * SCHEDULER_README "Destination concurrency scheduling"). One message with 5 recipients for
 * one nexthop makes 3 delivery requests of at most smtp_destination_recipient_limit = 2
 * recipients in the same destination queue. With an initial concurrency of 1 and a limit of
 * 2 cohorts, the first two requests meet a peer answering 421 at connect, one after the
 * other; then the destination is dead and qmgr defers the third itself, through the retry
 * service: "delivery temporarily suspended" with smtp(8)'s reason.
 */
const RCPTS = ['u1@remote.example', 'u2@remote.example', 'u3@remote.example', 'u4@remote.example', 'u5@remote.example'];
const REFUSED = 'host 127.0.0.1[127.0.0.1] refused to talk to me: 421 4.3.2 busy';
const esc = (s: string) => s.replace(/[.[\]]/g, '\\$&');
const scenario: Scenario = {
  id: 'qmgr/failed-cohort-limit',
  title: 'initial concurrency 1 and a failed cohort limit of 2: two tries, then the destination is dead',
  description: 'One message, 5 recipients in requests of 2, to a peer answering 421 at connect: 2 connections (4 recipients deferred by smtp), then the fifth recipient is deferred "delivery temporarily suspended".',
  sinks: { remote: { faults: [{ kind: 'reply', stage: 'connect', reply: '421 4.3.2 busy' }] } },
  config: relayToRemote({
    ...NO_RETRY_DURING_RUN,
    smtp_initial_destination_concurrency: '1',
    smtp_destination_concurrency_failed_cohort_limit: '2',
    smtp_destination_recipient_limit: '2',
  }),
  steps: [
    oneMessage({ name: 'five recipients', from: 'alice@client.example', to: RCPTS, data: 'Subject: five\r\n\r\nfive\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', status: 'deferred' }, count: RCPTS.length },
    { kind: 'sink-connections', sink: 'remote', count: 2 },
  ],
  expect: {
    events: [
      ...RCPTS.slice(0, 4).map((to) => ({ kind: 'delivery' as const, to, status: 'deferred', text: new RegExp(`^${esc(REFUSED)}$`) })),
      { kind: 'delivery', to: 'u5@remote.example', status: 'deferred', relay: 'none', text: new RegExp(`^delivery temporarily suspended: ${esc(REFUSED)}$`) },
    ],
  },
};
export default scenario;
