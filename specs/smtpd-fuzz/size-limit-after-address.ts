import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * mail_cmd(): with an address smtpd accepts (blanks inside the brackets are allowed), SIZE= over
 * message_size_limit is refused by smtpd_check_size(): 552 5.3.4 Message size exceeds fixed limit
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 166:0:0:1:2:2:2:2:2:2:2:2); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "size-limit-after-address",
  title: "fuzzer regression: smtp session: postfix \"S: 552 5.3.4 Message size exceeds fixed limit\" / reference \"S: 501 5.1.7 Bad ",
  rule: "mail_cmd(): with an address smtpd accepts (blanks inside the brackets are allowed), SIZE= over message_size_limit is refused by smtpd_check_size(): 552 5.3.4 Message size exceeds fixed limit",
  dialog: [
    { send: "MAIL  FROM:< szcan@sink.test > SIZE=999999999\r\n", expect: 552 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
});
