import type { Scenario } from '../../harness/scenario/types.ts';
import { FUZZ_SINK, fuzzMailConfig } from '../../harness/fuzz/smtpd-config.ts';

/**
 * qmgr_message.c qmgr_message_resolve(): qmgr hands the delivery agent trivial-rewrite's
 * resolved address in place of the queued one, and the agent's trace log carries it. A bang
 * path to the local domain (sink.test!r@mx.twinpost.test, swap_bangpath) resolves to
 * r@sink.test and is relayed as that; its NOTIFY=SUCCESS notice shows "<r@sink.test> (expanded
 * from <sink.test!r@mx.twinpost.test>)" and Final-Recipient: r@sink.test, while
 * Original-Recipient: keeps the address the client gave.
 *
 * The rule of the fuzzer's case seed-6-path-577 (`twinpost fuzz smtpd --seed 6 --path
 * 577:0:4:4:4:4:4:4:4:4:4:4:4`), whose Subject: held a Latin-1 byte and so cannot be a
 * scenario's `send` text; written by hand with the fuzzer's configuration and ASCII content.
 */
const scenario: Scenario = {
  id: 'smtpd-security/bang-path-success-notice',
  title: 'a bang-path recipient is relayed and reported as the address it resolves to',
  description: 'RCPT TO:<sink.test!r@mx.twinpost.test> NOTIFY=SUCCESS: relayed to r@sink.test; the success notice says "<r@sink.test> (expanded from <sink.test!r@mx.twinpost.test>)".',
  sinks: { [FUZZ_SINK]: {} },
  config: fuzzMailConfig(),
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<s@sink.test>', expect: 250 },
        { command: 'RCPT TO:<sink.test!r@mx.twinpost.test> NOTIFY=SUCCESS', expect: 250 },
        { data: 'Subject: cafe\r\n\r\na line with trailing space \r\nbody text\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait-sink', sink: FUZZ_SINK, messages: 2 },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    deliveries: [
      { sink: FUZZ_SINK, from: 's@sink.test', to: ['r@sink.test'] },
      { sink: FUZZ_SINK, from: '', to: ['s@sink.test'], bodyIncludes: ['<r@sink.test> (expanded from <sink.test!r@mx.twinpost.test>)', 'Final-Recipient: rfc822; r@sink.test'] },
    ],
    queue: 'empty',
  },
};
export default scenario;
