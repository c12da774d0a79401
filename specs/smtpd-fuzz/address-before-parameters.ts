import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd.c mail_cmd(): the sender address is checked (extract_addr(), then smtpd_check_addr()'s
 * resolve) before any ESMTP parameter, so a sender whose domain trivial-rewrite finds invalid
 * gets 501 5.1.7 even when a parameter is unsupported too
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 0:0:1:0:3:4:4:4:4); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "address-before-parameters",
  title: "fuzzer regression: smtp session: postfix \"S: 501 5.1.7 Bad sender address syntax\" / reference \"S: 555 5.5.4 Unsupported",
  rule: "smtpd.c mail_cmd(): the sender address is checked (extract_addr(), then smtpd_check_addr()'s resolve) before any ESMTP parameter, so a sender whose domain trivial-rewrite finds invalid gets 501 5.1.7 even when a parameter is unsupported too",
  dialog: [
    { send: "MAIL FROM:<szbm@-x.test> BODY=BINARYMIME\r\n", expect: 501 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
});
