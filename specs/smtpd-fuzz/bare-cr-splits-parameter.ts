import type { Scenario } from '../../harness/scenario/types.ts';
import { FUZZ_SINK, fuzzMailConfig } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd_token() splits words at any C isspace() character, a bare CR included: 'noti<CR>fy=delay'
 * is the two parameters 'noti' and 'fy=delay', and the first is refused: 555 5.5.4 Unsupported
 * option: noti
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 13:0:0:1:0:1:12); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
const scenario: Scenario = {
  id: "smtpd-fuzz/bare-cr-splits-parameter",
  title: "fuzzer regression: smtp session: postfix \"S: 555 5.5.4 Unsupported option: noti\" / reference \"S: 501 5.5.4 Syntax: RCPT",
  description: "smtpd_token() splits words at any C isspace() character, a bare CR included: 'noti<CR>fy=delay' is the two parameters 'noti' and 'fy=delay', and the first is refused: 555 5.5.4 Unsupported option: noti",
  sinks: { [FUZZ_SINK]: {} },
  config: fuzzMailConfig(),
  steps: [
    {
      kind: "smtp",
      name: "session",
      dialog: [
        {
          send: "MAIL FROM:<szkw@sink.test>\r\n",
          expect: 250
        },
        {
          send: "rcPt TO:<rzkw@sink.test> noti\rfy=delay NOTIFY=NEVER\r\n",
          expect: 555
        },
        {
          send: "QUIT\r\n",
          expect: 221
        },
        {
          expectClose: true
        }
      ]
    }
  ],
  expect: {
    queue: "empty"
  }
};
export default scenario;
