import type { Scenario } from '../../harness/scenario/types.ts';
import { FUZZ_SINK, fuzzMailConfig } from '../../harness/fuzz/smtpd-config.ts';

/**
 * bounce(8): a NOTIFY=SUCCESS recipient relayed to the next hop gets a delivery status
 * notification from <> sent with BODY=8BITMIME (with smtputf8_enable every notice is 8bit), also
 * for a message whose headers are Resent-* ones; the NOTIFY=NEVER recipient of the first message,
 * which loops (Delivered-To: nobody@...), gets none (bounce(8) starts that notice, so cleanup logs
 * its message-id, and drops it).
 *
 * Found by `twinpost fuzz smtpd --seed 2` (minimal case at path 102:0:1:0:3:7:5:5:7:6:8), with two
 * changes: the found Subject: held a Latin-1 byte (caf\xe9), which a scenario's `send` text cannot
 * hold, so it reads "cafe" here; and the two messages, sent in one session by the fuzzer, go in
 * two sessions with a wait between them: otherwise the dropped notice of the first and the
 * notice of the second are created in either order (two runs of real Postfix differ), and the
 * comparison names queue IDs by their order in the log. The writes are otherwise sent as they
 * were, each expecting the reply code real Postfix gave; the comparison with Postfix checks the
 * rest byte for byte.
 */
const scenario: Scenario = {
  id: 'smtpd-fuzz/success-notice-for-resent-message',
  title: 'fuzzer regression: a success notice for a Resent-* message is sent with BODY=8BITMIME; a NOTIFY=NEVER loop gets none',
  description: 'bounce(8): a NOTIFY=SUCCESS recipient relayed to the next hop gets a delivery status notification from <> sent with BODY=8BITMIME, also for a message whose headers are Resent-* ones; the NOTIFY=NEVER recipient of a looping message gets none',
  sinks: { [FUZZ_SINK]: {} },
  config: fuzzMailConfig(),
  steps: [
    {
      kind: 'smtp',
      name: 'session',
      dialog: [
        { send: 'MAIL FROM:<szrw@sink.test> AUTH=<>\r\n', expect: 250 },
        { send: 'RCPT to:<nobody@mx.twinpost.test> NOTIFY=NEVER\r\n', expect: 250 },
        { send: 'DATA\r\n', expect: 354 },
        { send: 'Delivered-To: nobody@mx.twinpost.test\r\n\r\n.\r\n', expect: 250 },
        { send: 'QUIT\r\n', expect: 221 },
        { expectClose: true },
      ],
    },
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
    // The dropped notice's message-id (cleanup) can be logged after the first message's removal (qmgr).
    { kind: 'wait', event: { kind: 'message-id' }, count: 2 },
    {
      kind: 'smtp',
      name: 'session 2',
      dialog: [
        { pipeline: ['mail FROM:<szrw@sink.test>', 'rcpt TO:<rzrw@sink.test> NOTIFY=SUCCESS', 'Data '], expect: [250, 250, 354] },
        { send: 'Resent-From: szrw@sink.test\r\nContent-Transfer-Encoding: base64\r\nContent-Transfer-Encoding: base64\nSubject: cafe\r\nX-Nul: a\u0000b\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\na line with trailing space \na line with trailing space \n..two dots\r\n\tindented\r\nbody text\r\nbody text\n.\r\n', expect: 250 },
        { send: 'QUIT\r\n', expect: 221 },
        { expectClose: true },
      ],
    },
    { kind: 'wait', event: { kind: 'removed' }, count: 3 },
  ],
  expect: { queue: 'empty', events: [{ kind: 'removed', count: 3 }] },
};
export default scenario;
