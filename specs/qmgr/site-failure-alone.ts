import type { Scenario } from '../../harness/scenario/types.ts';
import { NO_RETRY_DURING_RUN, oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * One failed delivery does not make a destination dead while its concurrency window is larger
 * than 1: it adds only 1/window (initial_destination_concurrency = 5) to the failed cohorts
 * (qmgr_queue.c), and the destination's in-core queue is forgotten, with its feedback, as soon
 * as nothing waits for it. Messages that come one after the other to a peer answering 421 at
 * connect are therefore each tried at the peer and deferred by smtp(8), never "delivery
 * temporarily suspended" by qmgr.
 */
const N = 3;
const messages = Array.from({ length: N }, (_v, i) => [
  oneMessage({ name: `message ${i + 1}`, from: 'alice@client.example', to: `user${i + 1}@remote.example`, data: `Subject: m${i + 1}\r\n\r\nm${i + 1}\r\n` }),
  { kind: 'wait' as const, event: { kind: 'delivery' as const, to: `user${i + 1}@remote.example`, status: 'deferred' } },
]).flat();
const scenario: Scenario = {
  id: 'qmgr/site-failure-alone',
  title: 'messages one at a time to a peer answering 421: each one is tried, the destination never dead',
  description: `${N} messages, each waited for until deferred, to a peer answering 421 at connect: ${N} connections, ${N} deferrals by smtp(8), none by qmgr.`,
  sinks: { remote: { faults: [{ kind: 'reply', stage: 'connect', reply: '421 4.3.2 busy' }] } },
  config: relayToRemote({ ...NO_RETRY_DURING_RUN }),
  steps: [...messages, { kind: 'sink-connections', sink: 'remote', count: N }],
  expect: {
    events: [{ kind: 'delivery', status: 'deferred', text: /^host 127\.0\.0\.1\[127\.0\.0\.1\] refused to talk to me: 421 4\.3\.2 busy$/, count: N }],
    noEvents: [{ kind: 'delivery', text: /temporarily suspended/ }],
  },
};
export default scenario;
