import type { Scenario } from '../../harness/scenario/types.ts';
import { FUZZ_SINK, fuzzMailConfig } from '../../harness/fuzz/smtpd-config.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * cleanup_message.c: the From: header cleanup adds to a message without one (127.0.0.1 is in
 * local_header_rewrite_clients, so headers are rewritten and completed) carries the envelope
 * sender's bytes as smtpd received them: a UTF-8 domain given with MAIL FROM ... SMTPUTF8 is
 * written as its UTF-8 bytes. Postfix is 8-bit clean and decodes nothing.
 *
 * The rule of the fuzzer's case seed-3-path-31 (`twinpost fuzz smtpd --seed 3 --path
 * 31:0:1:1:2:3:3:3:3:3:2:2:2:2:2:2:2:2:2:2`), whose content also holds bytes that are not
 * UTF-8 (X-Eight: 0xFF 0xFE) and so cannot be a scenario's `send` text; written by hand with the
 * fuzzer's configuration, the same envelope, and UTF-8 content.
 */
const scenario: Scenario = {
  id: 'smtpd-security/utf8-domain-in-added-from',
  title: 'the From: header cleanup adds carries a UTF-8 sender domain as its bytes',
  description: 'MAIL FROM:<s@bücher.example> SMTPUTF8, a message without From:; the relayed copy gets "From: s@bücher.example" in UTF-8 bytes, as Postfix writes it.',
  sinks: { [FUZZ_SINK]: {} },
  config: fuzzMailConfig(),
  steps: [
    oneMessage({
      from: 's@bücher.example',
      params: 'SMTPUTF8',
      to: 'r@sink.test',
      data: 'Date: Mon, 7 Dec 2026 10:00:00 +0000\r\nContent-Transfer-Encoding: 8bit\r\nSubject: fuzz\r\n\r\nbody text ü\r\n',
    }),
    { kind: 'wait-sink', sink: FUZZ_SINK, messages: 1 },
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
  ],
  expect: {
    deliveries: [{ sink: FUZZ_SINK, from: 's@bücher.example', to: ['r@sink.test'], headers: { From: 's@bücher.example' } }],
    queue: 'empty',
  },
};
export default scenario;
