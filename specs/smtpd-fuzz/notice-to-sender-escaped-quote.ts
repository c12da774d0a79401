import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * bounce_notify_util.c bounce_header(): the notice's To: header is the sender's internal form
 * quoted once (quote_822_local()), so a sender "s\"x"@domain is shown as it was given, not quoted
 * a second time
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 165:0:0:0:0:2:2:2:2:3:4:4:4:4:4); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "notice-to-sender-escaped-quote",
  title: "fuzzer regression: sink remote message Qn: postfix \"To: \\\"s\\\\\\\"<tag>\\\"@sink.test\" / reference \"To: \\\"\\\\\\\"s\\\\\\\\\\\\\\\"<tag>",
  rule: "bounce_notify_util.c bounce_header(): the notice's To: header is the sender's internal form quoted once (quote_822_local()), so a sender \"s\\\"x\"@domain is shown as it was given, not quoted a second time",
  dialog: [
    { send: "MAIL from:<\"s\\\"zoo\"@sink.test>\r\n", expect: 250 },
    { send: "rcpt to:<nobody@mx.twinpost.test> NOTIFY=SUCCESS,FAILURE,DELAY\r\n", expect: 250 },
    { send: "data\n", expect: 354 },
    { send: "\r\n.\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 2,
});
