import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * extract_addr() ends with smtpd_check_addr(): trivial-rewrite resolves s@ with
 * RESOLVE_FLAG_ERROR (an empty domain), so MAIL FROM:<s@> is 501 5.1.7 Bad sender address syntax
 * with an 'Illegal address syntax' warning
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 89:0:1:2:2:2:2:2:2:2:2:2); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "sender-without-domain",
  title: "fuzzer regression: smtp session: postfix \"S: 501 5.1.7 Bad sender address syntax\" / reference \"S: 250 2.1.0 Ok\"",
  rule: "extract_addr() ends with smtpd_check_addr(): trivial-rewrite resolves s@ with RESOLVE_FLAG_ERROR (an empty domain), so MAIL FROM:<s@> is 501 5.1.7 Bad sender address syntax with an 'Illegal address syntax' warning",
  dialog: [
    { send: "MAIL FROM:<szbkr@>\r\n", expect: 501 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
});
