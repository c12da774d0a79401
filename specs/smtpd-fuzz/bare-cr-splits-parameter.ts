import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd_token() splits words at any C isspace() character, a bare CR included: 'noti<CR>fy=delay'
 * is the two parameters 'noti' and 'fy=delay', and the first is refused: 555 5.5.4 Unsupported
 * option: noti
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 13:0:0:1:0:1:12); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "bare-cr-splits-parameter",
  title: "fuzzer regression: smtp session: postfix \"S: 555 5.5.4 Unsupported option: noti\" / reference \"S: 501 5.5.4 Syntax: RCPT",
  rule: "smtpd_token() splits words at any C isspace() character, a bare CR included: 'noti<CR>fy=delay' is the two parameters 'noti' and 'fy=delay', and the first is refused: 555 5.5.4 Unsupported option: noti",
  dialog: [
    { send: "MAIL FROM:<szkw@sink.test>\r\n", expect: 250 },
    { send: "rcPt TO:<rzkw@sink.test> noti\rfy=delay NOTIFY=NEVER\r\n", expect: 555 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
});
