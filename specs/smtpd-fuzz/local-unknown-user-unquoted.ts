import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * local.c deliver_recipient() (Postfix 3.7.11): local(8) splits the recipient's internal form
 * (quotes removed), so a notice to the sender '"<>"@domain' is bounced with 'unknown user: "<>"',
 * the local part quoted once by the message text only
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 3834:0:0:0:0:0:0:1:3:3); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "local-unknown-user-unquoted",
  title: "fuzzer regression: maillog Qn: postfix \"<Mmm nn nn:nn:nn> mx postfix/local[<pid>]: Qn: to=<\\\"<>\\\"@mx.twinpost.test>, re",
  rule: "local.c deliver_recipient() (Postfix 3.7.11): local(8) splits the recipient's internal form (quotes removed), so a notice to the sender '\"<>\"@domain' is bounced with 'unknown user: \"<>\"', the local part quoted once by the message text only",
  dialog: [
    { send: "MAIL from:\"<>\"\r\n", expect: 250 },
    { send: "RCPT TO:<rzgos@sink.test>  NOTIFY=SUCCESS\r\n", expect: 250 },
    { send: "DATA\r\n", expect: 354 },
    { send: "\n.\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 2,
});
