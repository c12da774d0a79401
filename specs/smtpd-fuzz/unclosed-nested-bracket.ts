import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd_token(): inside <...> a second '<' nests, so <s<x@sink.test> never closes; the word is an
 * SMTPD_TOK_ERROR and mail_cmd() answers 501 5.1.7 without any warning
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 34:0:1:1:1:1:1:1); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "unclosed-nested-bracket",
  title: "fuzzer regression: maillog postfix/smtpd: postfix \"(none)\" / reference \"<Mmm nn nn:nn:nn> mx postfix/smtpd[<pid>]: warn",
  rule: "smtpd_token(): inside <...> a second '<' nests, so <s<x@sink.test> never closes; the word is an SMTPD_TOK_ERROR and mail_cmd() answers 501 5.1.7 without any warning",
  dialog: [
    { send: "MAIL FROM:<s<zvh@sink.test>\n", expect: 501 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
});
