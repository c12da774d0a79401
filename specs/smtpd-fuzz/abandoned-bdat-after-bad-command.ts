import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * A BDAT chunk that starts with an empty line ends the header block at once: cleanup(8) logs the
 * added Message-Id while the transaction is still open, and neither a following unknown command
 * nor QUIT, which drops the transaction, takes that line back (smtpd.c bdat_cmd(), mail_reset();
 * cleanup_message.c)
 *
 * Found by `twinpost fuzz smtpd --seed 3` (minimal case at path 16:0:0:0:1:1:1:1:1:1:1:2:1:1:2); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "abandoned-bdat-after-bad-command",
  title: "fuzzer regression: maillog Qn: postfix \"<Mmm nn nn:nn:nn> mx postfix/cleanup[<pid>]: Qn: message-id=<<nnnnnnnnnnnnnn>.Q",
  rule: "A BDAT chunk that starts with an empty line ends the header block at once: cleanup(8) logs the added Message-Id while the transaction is still open, and neither a following unknown command nor QUIT, which drops the transaction, takes that line back (smtpd.c bdat_cmd(), mail_reset(); cleanup_message.c)",
  dialog: [
    { send: "mail FROM:<szby@sink.test>\r\r\nRCPT TO:<rzby@sink.test>\r\n", expect: 250 },
    { send: "", expect: 250 },
    { send: "BDAT 14\r\n\n.leading dot\r\n", expect: 250 },
    { send: "", expect: 500 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  events: [{ kind: "message-id", messageId: /^<<time>\.Q1@mx\.twinpost\.test>$/, count: 1 }],
});
