import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * extract_addr(): < "r@other.example"@sink.test > is one address (a quoted local part holding @),
 * so rcpt_cmd() goes on to the parameters and refuses an ORCPT without ';': 501 5.5.4 Error: Bad
 * ORCPT parameter syntax
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 7:0:0:0:1:2:2:3:3:3:3); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "quoted-local-part-then-orcpt",
  title: "fuzzer regression: smtp session: postfix \"S: 501 5.5.4 Error: Bad ORCPT parameter syntax\" / reference \"S: 501 5.1.3 Bad",
  rule: "extract_addr(): < \"r@other.example\"@sink.test > is one address (a quoted local part holding @), so rcpt_cmd() goes on to the parameters and refuses an ORCPT without ';': 501 5.5.4 Error: Bad ORCPT parameter syntax",
  dialog: [
    { send: "mail from:<szhn@sink.test>\r\n", expect: 250 },
    { send: "RCPT TO:< \"rzhn@other.example\"@sink.test >  ORCPT=rfc822\r\n", expect: 501 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
});
