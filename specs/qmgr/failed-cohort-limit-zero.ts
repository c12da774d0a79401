import type { Scenario } from '../../harness/scenario/types.ts';
import { NO_RETRY_DURING_RUN, oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * <transport>_destination_concurrency_failed_cohort_limit = 0 turns dead destinations off:
 * failures only narrow the concurrency window, never below 1, and every delivery request is
 * tried at the site (qmgr_queue.c qmgr_queue_throttle(), postconf(5)). One message with 6
 * recipients for one nexthop makes 3 requests of at most smtp_destination_recipient_limit = 2;
 * from an initial concurrency of 1 they meet a peer answering 421 at connect one after the
 * other, and all 6 recipients are deferred by smtp(8), none "delivery temporarily suspended"
 * (compare qmgr/failed-cohort-limit).
 */
const RCPTS = ['u1@remote.example', 'u2@remote.example', 'u3@remote.example', 'u4@remote.example', 'u5@remote.example', 'u6@remote.example'];
const scenario: Scenario = {
  id: 'qmgr/failed-cohort-limit-zero',
  title: 'failed cohort limit 0: the destination never dies, every request is tried',
  description: 'One message, 6 recipients in requests of 2, to a peer answering 421 at connect, with no failed cohort limit: 3 connections, 6 deferrals by smtp(8), none by qmgr.',
  sinks: { remote: { faults: [{ kind: 'reply', stage: 'connect', reply: '421 4.3.2 busy' }] } },
  config: relayToRemote({
    ...NO_RETRY_DURING_RUN,
    smtp_initial_destination_concurrency: '1',
    smtp_destination_concurrency_failed_cohort_limit: '0',
    smtp_destination_recipient_limit: '2',
  }),
  steps: [
    oneMessage({ name: 'six recipients', from: 'alice@client.example', to: RCPTS, data: 'Subject: six\r\n\r\nsix\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', status: 'deferred' }, count: RCPTS.length },
    { kind: 'sink-connections', sink: 'remote', count: 3 },
  ],
  expect: {
    events: [{ kind: 'delivery', status: 'deferred', text: /^host 127\.0\.0\.1\[127\.0\.0\.1\] refused to talk to me: 421 4\.3\.2 busy$/, count: RCPTS.length }],
    noEvents: [{ kind: 'delivery', text: /temporarily suspended/ }],
  },
};
export default scenario;
