import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd.c skip_bdat(): a failed BDAT LAST ends the transaction with mail_reset() but not
 * rcpt_reset(), so the next transaction's one recipient makes a count of two and smtpd's
 * Received: header gets no "for <recipient>" clause
 *
 * Found by `twinpost fuzz smtpd --seed 20261128` (minimal case at path 2:0:2:2:4:7:8:8:8:5); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "failed-bdat-last-keeps-rcpt-count",
  title: "fuzzer regression: file nobody: postfix \"\\tby mx.twinpost.test (Postfix) with ESMTP id Qn;\" / reference \"\\tby mx.twinpo",
  rule: "smtpd.c skip_bdat(): a failed BDAT LAST ends the transaction with mail_reset() but not rcpt_reset(), so the next transaction's one recipient makes a count of two and smtpd's Received: header gets no \"for <recipient>\" clause",
  dialog: [
    { send: "ehlo client.example\r\n", expect: 250 },
    { send: "MAIL from:<szcu@sink.test>\nRCPT TO:<rzcu@sink.test>\n", expect: 250 },
    { send: "", expect: 250 },
    { send: "bdat 0\r\n", expect: 551 },
    { send: "BDAT 0 LAST\r\n", expect: 551 },
    { send: "MAIL FROM:<@sink.test>\r\n", expect: 250 },
    { send: "rCpt TO:<nobody@mx.twinpost.test>\r\n", expect: 250 },
    { send: "DATA\r\n", expect: 354 },
    { send: "\r\n.\r\n", expect: 250 },
    { send: "MAIL FROM:<szcu@SINK.TEST>\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 1,
});
