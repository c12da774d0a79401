import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * extract_addr(): RCPT TO:< r > holds the one address r (blanks are not part of it);
 * trivial-rewrite qualifies it with the local domain, so smtpd_recipient_restrictions answer it:
 * 550 5.1.1 User unknown in local recipient table
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 27:0:1:1:1:1:2:1:1:1:1:1:1:1:1:1); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "bare-local-part-in-brackets",
  title: "fuzzer regression: smtp session: postfix \"S: 550 5.1.1 <r<tag>>: Recipient address rejected: User unknown in local reci",
  rule: "extract_addr(): RCPT TO:< r > holds the one address r (blanks are not part of it); trivial-rewrite qualifies it with the local domain, so smtpd_recipient_restrictions answer it: 550 5.1.1 User unknown in local recipient table",
  dialog: [
    { send: "MAIL FROM:<szsn@sink.test>\r\n", expect: 250 },
    { send: "rcpt TO:< rzsn >\r\n", expect: 550 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
});
