import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * Every log line passes Postfix's printable() on its way out (msg_vprintf): a TAB at the end of a
 * Message-Id header is logged as '?' in cleanup's message-id= line
 *
 * Found by `twinpost fuzz smtpd --seed 6` (minimal case at path 518:3:2:2:2:1:3:3:3:3:0:6:4:4:4:4); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "control-characters-logged-as-question-marks",
  title: "fuzzer regression: maillog Qn: postfix \"<Mmm nn nn:nn:nn> mx postfix/cleanup[<pid>]: Qn: message-id=<m<tag>@client.exam",
  rule: "Every log line passes Postfix's printable() on its way out (msg_vprintf): a TAB at the end of a Message-Id header is logged as '?' in cleanup's message-id= line",
  dialog: [
    { send: "MAIL from:<szbns@sink.test>\nRCPT to:<rzbns@sink.test>\r\n", expect: 250 },
    { send: "", expect: 250 },
    { send: "BDAT 38 LAST\r\nMessage-ID: <mzbns@client.example>\t\r\n\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 1,
});
