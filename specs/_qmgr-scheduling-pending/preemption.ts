import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, burstRecipient, submitSessions } from './_burst.ts';

/**
 * nqmgr preemption (qmgr(8), SCHEDULER_README "job scheduling"): a mailing-list message with
 * many recipients is one job that needs many deliveries; small messages queued behind it are
 * jobs of one delivery each. For every default_delivery_slot_cost (5) deliveries of the big
 * job it earns a slot that a later job may take (preempt), once the big job has done
 * default_minimum_delivery_slots (3) deliveries; default_delivery_slot_loan and _discount let a
 * job preempt a little early. So with one delivery at a time to the destination, small
 * messages that arrive while the list is being delivered get through long before its last
 * recipient, instead of waiting for all of it. The list: 40 recipients,
 * smtp_destination_recipient_limit = 2, so 20 deliveries; smtp_destination_concurrency_limit
 * = 1 makes the order of deliveries the job scheduler's.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): maxConcurrent 1/1/1 (a second
 * series of 10: 1/1/2, the first session still open, cached, as the second starts);
 * maxRecipientsPerTransaction 2/2/2; position(small1@remote.example) 3/3/3;
 * position(small2@remote.example) 8/8/8; position(small3@remote.example) 14/14/14.
 */
const LIST = Array.from({ length: 40 }, (_v, i) => burstRecipient(i + 1, 'remote.example'));
const SMALL = ['small1@remote.example', 'small2@remote.example', 'small3@remote.example'];
const LIST_DELIVERIES = 20;

const scenario: Scenario = {
  id: 'qmgr-scheduling/preemption',
  title: 'small messages overtake a mailing-list message being delivered',
  description: 'A 40-recipient message goes out in 20 deliveries, one at a time; 3 one-recipient messages queued after its first delivery are delivered well before its last.',
  sinks: { remote: { faults: [{ kind: 'slow', stage: 'dot', delayMs: 150 }] } },
  config: burstConfig({ smtp_destination_recipient_limit: '2', smtp_destination_concurrency_limit: '1' }),
  steps: [
    ...submitSessions(1, 1, () => LIST),
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    {
      kind: 'smtp',
      name: 'small messages',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        ...SMALL.flatMap((to) => [
          { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
          { command: `RCPT TO:<${to}>`, expect: 250 },
          { data: `Subject: small\r\n\r\nsmall\r\n`, expect: 250 },
        ]),
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait-sink', sink: 'remote', messages: LIST_DELIVERIES + SMALL.length, timeoutMs: 60_000 },
    { kind: 'wait', event: { kind: 'removed' }, count: 1 + SMALL.length, timeoutMs: 60_000 },
    { kind: 'sink-schedule', sink: 'remote', expect: { maxConcurrent: { min: 1, max: 2 }, maxRecipientsPerTransaction: { min: 2, max: 2 }, positions: [{ to: 'small1@remote.example', range: { min: 2, max: 5 } }, { to: 'small2@remote.example', range: { min: 6, max: 11 } }, { to: 'small3@remote.example', range: { min: 11, max: 17 } }] } },
  ],
  expect: { sinkMessages: { remote: LIST_DELIVERIES + SMALL.length }, queue: 'empty' },
};
export default scenario;
