import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, burstRecipient, submitSessions } from './_burst.ts';

/**
 * smtp_destination_recipient_limit = 2: qmgr(8) hands smtp(8) at most 2 recipients of one
 * message per delivery request, so a message to 5 recipients at one destination goes out as 3
 * transactions (2, 2 and 1 recipients). postconf(5) transport_destination_recipient_limit.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): maxRecipientsPerTransaction 2/2/2;
 * connections 2/3/3.
 */
const RECIPIENTS = [1, 2, 3, 4, 5].map((i) => burstRecipient(i));

const scenario: Scenario = {
  id: 'qmgr-scheduling/recipient-limit-2',
  title: 'smtp_destination_recipient_limit = 2 splits 5 recipients into 3 transactions',
  description: 'One message to 5 recipients at the peer arrives as 3 transactions of at most 2 recipients.',
  sinks: { remote: {} },
  config: burstConfig({ smtp_destination_recipient_limit: '2' }),
  steps: [
    ...submitSessions(1, 1, () => RECIPIENTS),
    { kind: 'wait-sink', sink: 'remote', messages: 3 },
    { kind: 'wait', event: { kind: 'removed' } },
    { kind: 'sink-schedule', sink: 'remote', expect: { maxRecipientsPerTransaction: { min: 2, max: 2 }, connections: { min: 1, max: 3 } } },
  ],
  expect: { sinkMessages: { remote: 3 }, queue: 'empty' },
};
export default scenario;
