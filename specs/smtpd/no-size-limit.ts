import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage, relayToRemote, REMOTE_SINK } from '../_shared/builders.ts';

/**
 * message_size_limit = 0 means no limit (postconf(5)): smtpd announces SIZE without a number
 * (RFC 1870 section 4: "SIZE" alone, no fixed maximum), accepts any SIZE= in MAIL FROM, and
 * neither smtpd nor cleanup refuses a message for its size; smtp(8) passes SIZE= on.
 */
const body = `${'z'.repeat(70)}\r\n`.repeat(400);

const scenario: Scenario = {
  id: 'smtpd/no-size-limit',
  title: 'message_size_limit = 0: SIZE without a number, any SIZE= accepted, no size refusal',
  description: 'With message_size_limit = 0, EHLO says "250-SIZE", MAIL FROM with SIZE=2000000000 is accepted and a 28 KB message is relayed.',
  sinks: { [REMOTE_SINK]: {} },
  config: relayToRemote({ message_size_limit: '0' }),
  steps: [
    oneMessage({ params: 'SIZE=2000000000', data: `Subject: no limit\r\n\r\n${body}` }),
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [{ sink: REMOTE_SINK, from: 'alice@client.example', to: ['bob@remote.example'], headers: { Subject: 'no limit' } }],
    queue: 'empty',
  },
};
export default scenario;
