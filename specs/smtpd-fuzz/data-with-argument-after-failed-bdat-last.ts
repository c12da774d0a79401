import type { Scenario } from '../../harness/scenario/types.ts';
import { FUZZ_SINK, fuzzMailConfig } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd.c data_cmd() (Postfix 3.7.11): DATA checks smtpd's recipient count before anything else,
 * and a failed BDAT LAST (skip_bdat()) ends the transaction but leaves that count; so a 'DATA x'
 * after it is '501 5.5.4 Syntax: DATA', not '503 5.5.1 Error: need RCPT command' (nor, after a new
 * MAIL without recipients, '554 5.5.1 Error: no valid recipients')
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 4034:0:0:0:0:0:1:0:4:3:3:3:3:1:3:2:2:3:2:4:5); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
const scenario: Scenario = {
  id: "smtpd-fuzz/data-with-argument-after-failed-bdat-last",
  title: "fuzzer regression: smtp session: postfix \"S: 501 5.5.4 Syntax: DATA\" / reference \"S: 503 5.5.1 Error: need RCPT command",
  description: "smtpd.c data_cmd() (Postfix 3.7.11): DATA checks smtpd's recipient count before anything else, and a failed BDAT LAST (skip_bdat()) ends the transaction but leaves that count; so a 'DATA x' after it is '501 5.5.4 Syntax: DATA', not '503 5.5.1 Error: need RCPT command'",
  sinks: { [FUZZ_SINK]: {} },
  config: fuzzMailConfig(),
  steps: [
    {
      kind: "smtp",
      name: "session",
      dialog: [
        {
          pipeline: [
            "MAIL from:<szgzk@sink.test>",
            "RCPT to:<rzgzk@sink.test>"
          ],
          expect: [
            250,
            250
          ]
        },
        {
          send: "BDAT 0\r\n",
          expect: 551
        },
        {
          send: "bdat 1 LAST\r\n\n",
          expect: 551
        },
        {
          send: "data x\n",
          expect: 501
        },
        {
          send: "\r\nhello\r\n\n .\r\n\r\nhello\n.\r\n",
          expect: 500
        },
        {
          send: "",
          expect: 500
        },
        {
          send: "",
          expect: 500
        },
        {
          send: "",
          expect: 221
        },
        {
          expectClose: true
        }
      ]
    },
    {
      // Written by hand from seed 1, path 4162 (its session has bytes that are not UTF-8): a new
      // MAIL after the failed BDAT LAST, still without recipients, gives the same 501.
      kind: "smtp",
      name: "new MAIL without recipients",
      dialog: [
        { pipeline: ["MAIL from:<s2@sink.test>", "RCPT to:<r2@sink.test>"], expect: [250, 250] },
        { send: "BDAT 0\r\n", expect: 551 },
        { send: "BDAT 0 LAST\r\n", expect: 551 },
        { send: "MAIL FROM:<s3@sink.test>\r\n", expect: 250 },
        { send: "DATA x\r\n", expect: 501 },
        { send: "QUIT\r\n", expect: 221 },
        { expectClose: true }
      ]
    }
  ],
  expect: {
    queue: "empty"
  }
};
export default scenario;
