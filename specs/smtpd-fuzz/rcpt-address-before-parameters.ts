import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd.c rcpt_cmd(): the recipient is read by extract_addr() before any parameter;
 * tok822_parse() takes a word after a comment as a second address (r(comment)x@y), more than one
 * address is 'Illegal address syntax', so the reply is 501 5.1.3 (with a warning), not 555 for
 * the unknown parameter
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 138:0:0:4:3:3:3:3:3); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "rcpt-address-before-parameters",
  title: "fuzzer regression: smtp session: postfix \"S: 501 5.1.3 Bad recipient address syntax\" / reference \"S: 555 5.5.4 Unsuppor",
  rule: "smtpd.c rcpt_cmd(): the recipient is read by extract_addr() before any parameter; tok822_parse() takes a word after a comment as a second address (r(comment)x@y), more than one address is 'Illegal address syntax', so the reply is 501 5.1.3 (with a warning), not 555 for the unknown parameter",
  dialog: [
    { send: "mail from:<szbuj@sink.test>\r\n", expect: 250 },
    { send: "RCPT TO:<r(comment)zbuj@sink.test> FOO\r\r\n", expect: 501 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
});
