import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * local(8): X-Original-To: is the recipient as the client gave it (the O record), so the copy
 * delivered for RCPT TO:<nobody%local@local> shows nobody%local@local there while Delivered-To:
 * shows the resolved nobody@local; two RCPTs for one mailbox are two deliveries
 *
 * Found by `twinpost fuzz smtpd --seed 3` (minimal case at path 130:4:1:0:1:4:4:7:2:0:1:1:1:1:1:1:1); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "percent-hack-x-original-to",
  title: "fuzzer regression: file nobody: postfix \"X-Original-To: nobody%mx.twinpost.test@mx.twinpost.test\" / reference \"X-Origin",
  rule: "local(8): X-Original-To: is the recipient as the client gave it (the O record), so the copy delivered for RCPT TO:<nobody%local@local> shows nobody%local@local there while Delivered-To: shows the resolved nobody@local; two RCPTs for one mailbox are two deliveries",
  dialog: [
    { send: "MAIL FROM:szqe@sink.test\r\nRCPT  TO:nobody@mx.twinpost.test\r\nRCPT  TO:<nobody%mx.twinpost.test@mx.twinpost.test>\n", expect: 250 },
    { send: "", expect: 250 },
    { send: "", expect: 250 },
    { send: "BDAT 1 LAST\r\n\r", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 1,
});
