import type { Scenario } from '../../harness/scenario/types.ts';
import { FUZZ_SINK, fuzzMailConfig } from '../../harness/fuzz/smtpd-config.ts';

/**
 * Record boundaries of a body line exactly line_length_limit (2048) bytes long: smtpd's
 * smtp_get() stops at the limit before it sees the line end, so it hands cleanup an L record of
 * 2048 bytes and then an empty N record for the CRLF; cleanup keeps a body line's records as
 * they came (cleanup_body_callback()), so the queue file, and the message size smtp(8) sends as
 * SIZE=, count that empty record too. A header of the same length is written whole (one N
 * record, cleanup_out_header()). Lines of 2047, 2049 and 4096 bytes show the neighbours.
 */
const x = (n: number) => 'x'.repeat(n);

const scenario: Scenario = {
  id: 'smtpd-security/exact-limit-body-line',
  title: 'a body line of exactly line_length_limit bytes, relayed',
  description: 'Three messages with a 2048-byte header or body line and their neighbours are relayed; the MAIL FROM SIZE= of each is compared with Postfix.',
  sinks: { [FUZZ_SINK]: {} },
  config: fuzzMailConfig(),
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<s1@sink.test>', expect: 250 },
        { command: 'RCPT TO:<r1@sink.test>', expect: 250 },
        { data: `Subject: exact body line\r\n\r\n${x(2048)}\r\nafter\r\n`, raw: true, expect: 250 },
        { command: 'MAIL FROM:<s2@sink.test>', expect: 250 },
        { command: 'RCPT TO:<r2@sink.test>', expect: 250 },
        { data: `X-Exact: ${x(2048 - 'X-Exact: '.length)}\r\n\r\nbody\r\n`, raw: true, expect: 250 },
        { command: 'MAIL FROM:<s3@sink.test>', expect: 250 },
        { command: 'RCPT TO:<r3@sink.test>', expect: 250 },
        { data: `Subject: neighbours\r\n\r\n${x(2047)}\r\n${x(2049)}\r\n${x(4096)}\r\n`, raw: true, expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait-sink', sink: FUZZ_SINK, messages: 3 },
    { kind: 'wait', event: { kind: 'removed' }, count: 3 },
  ],
  expect: {
    sinkMessages: { [FUZZ_SINK]: 3 },
    queue: 'empty',
  },
};
export default scenario;
