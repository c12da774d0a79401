import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * The name smtp(8) greets the next hop with (postconf(5) smtp_helo_name, default $myhostname).
 * With smtp_helo_name set, EHLO carries that name instead; the peer's transcript, compared with
 * real Postfix's line by line, shows it ("C: EHLO relay-out.example.net").
 */
const scenario: Scenario = {
  id: 'smtp/helo-name',
  title: 'smtp_helo_name replaces $myhostname in EHLO',
  description: 'One message relayed to the sink; smtp(8) says EHLO relay-out.example.net.',
  sinks: { remote: {} },
  config: relayToRemote({ smtp_helo_name: 'relay-out.example.net' }),
  steps: [
    oneMessage({ data: 'Subject: greeting\r\n\r\nHi.\r\n' }),
    ...awaitRelayed(),
    { kind: 'sink-connections', sink: 'remote', count: 1, transactions: [1] },
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['bob@remote.example'], headers: { Subject: 'greeting' } }],
    queue: 'empty',
  },
};
export default scenario;
