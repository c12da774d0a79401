import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * cleanup(8) reads smtpd's content records while they arrive: a BDAT chunk whose empty line ends
 * the header block makes cleanup add and log the missing Message-Id at once, so the line stays in
 * the log when the client then sends QUIT and the transaction is dropped (smtpd.c bdat_cmd(),
 * mail_reset(); cleanup_message.c)
 *
 * Found by `twinpost fuzz smtpd --seed 20261128` (minimal case at path 2:0:2:3:2:3:3); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "abandoned-bdat-header-end-logs-message-id",
  title: "fuzzer regression: maillog Qn: postfix \"<Mmm nn nn:nn:nn> mx postfix/cleanup[<pid>]: Qn: message-id=<<nnnnnnnnnnnnnn>.Q",
  rule: "cleanup(8) reads smtpd's content records while they arrive: a BDAT chunk whose empty line ends the header block makes cleanup add and log the missing Message-Id at once, so the line stays in the log when the client then sends QUIT and the transaction is dropped (smtpd.c bdat_cmd(), mail_reset(); cleanup_message.c)",
  dialog: [
    { send: "MAIL from:<szbr@sink.test>\nRCPT TO:<rzbr@sink.test>\n", expect: 250 },
    { send: "", expect: 250 },
    { send: "bdat 2\r\n\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  events: [{ kind: "message-id", messageId: /^<<time>\.Q1@mx\.twinpost\.test>$/, count: 1 }],
});
