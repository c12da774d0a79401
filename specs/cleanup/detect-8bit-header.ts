import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * detect_8bit_encoding_header = no (postconf(5); cleanup_message.c): cleanup(8) no longer
 * takes "Content-Transfer-Encoding: 8bit" (or binary) in a header as a sign that the message
 * is 8-bit; only the client's BODY=8BITMIME counts. A message sent without BODY= whose header
 * declares 8bit is queued without the 8bit mark, so smtp(8) relays it without BODY=8BITMIME
 * (with the default "yes" it would add it).
 */
const scenario: Scenario = {
  id: 'cleanup/detect-8bit-header',
  title: 'detect_8bit_encoding_header = no: a declared 8bit body is not relayed as BODY=8BITMIME',
  description: 'One message without BODY= and with Content-Transfer-Encoding: 8bit reaches the peer with no BODY parameter; one sent with BODY=8BITMIME keeps it.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      detect_8bit_encoding_header: 'no',
      // no connection is kept for the second message
      smtp_connection_cache_on_demand: 'no',
    },
  },
  steps: [
    oneMessage({ to: 'bob@far.example', data: 'Subject: header says 8bit\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nnaïve\r\n' }),
    // one relayed after the other: the peer's connections come in the order of the messages
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    oneMessage({ params: 'BODY=8BITMIME', to: 'bob@far.example', data: 'Subject: client says 8bit\r\n\r\nnaïve\r\n' }),
    { kind: 'wait-sink', sink: 'remote', messages: 2 },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: 'alice@client.example', to: ['bob@far.example'], mailParams: [/^SIZE=\d+$/], headers: { Subject: 'header says 8bit' } },
      { sink: 'remote', from: 'alice@client.example', to: ['bob@far.example'], mailParams: ['BODY=8BITMIME'], headers: { Subject: 'client says 8bit' } },
    ],
    queue: 'empty',
  },
};
export default scenario;
