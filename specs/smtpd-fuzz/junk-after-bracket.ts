import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd_token() keeps text after '>' in the same word; extract_addr() then finds two addresses in
 * <s@sink.test>x (tok822_parse() makes what follows '>' an address of its own): 'Illegal address
 * syntax' warning and 501 5.1.7
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 200:0:0:0:0:0:1); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "junk-after-bracket",
  title: "fuzzer regression: maillog postfix/smtpd: postfix \"<Mmm nn nn:nn:nn> mx postfix/smtpd[<pid>]: warning: Illegal address ",
  rule: "smtpd_token() keeps text after '>' in the same word; extract_addr() then finds two addresses in <s@sink.test>x (tok822_parse() makes what follows '>' an address of its own): 'Illegal address syntax' warning and 501 5.1.7",
  dialog: [
    { send: "mail from:<szcgr@sink.test>x\n", expect: 501 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
});
