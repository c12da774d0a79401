import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd.c etrn_cmd() with smtpd_token() (Postfix 3.7.11): the ETRN argument is cut into words at
 * C isspace(), so a bare CR inside the domain makes two words and the reply is '500 Syntax: ETRN
 * domain', not the invalid-domain '501 Error: invalid parameter syntax'
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 4459:0:5:1:1:3:3:3:3:3:3:3:3); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "etrn-bare-cr-splits-domain",
  title: "fuzzer regression: smtp session: postfix \"S: 500 Syntax: ETRN domain\" / reference \"S: 501 Error: invalid parameter synt",
  rule: "smtpd.c etrn_cmd() with smtpd_token() (Postfix 3.7.11): the ETRN argument is cut into words at C isspace(), so a bare CR inside the domain makes two words and the reply is '500 Syntax: ETRN domain', not the invalid-domain '501 Error: invalid parameter syntax'",
  dialog: [
    { send: "ETRN s\rink.test\r\n", expect: 500 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
});
