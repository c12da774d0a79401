import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd_token() keeps a <...> part whole, blanks included, and extract_addr() parses what is
 * inside as an RFC 822 address list, where blanks around the address are allowed: MAIL FROM:<
 * s@sink.test > is 250
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 94:0:0:0:0:0:0:0:0:0:0:0:0:0); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "blanks-inside-brackets",
  title: "fuzzer regression: smtp session: postfix \"S: 250 2.1.0 Ok\" / reference \"S: 501 5.1.7 Bad sender address syntax\"",
  rule: "smtpd_token() keeps a <...> part whole, blanks included, and extract_addr() parses what is inside as an RFC 822 address list, where blanks around the address are allowed: MAIL FROM:< s@sink.test > is 250",
  dialog: [
    { send: "MAIL FROM:< szblp@sink.test >\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
});
