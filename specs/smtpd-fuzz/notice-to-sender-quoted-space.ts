import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * bounce_notify_util.c bounce_header(): the success notice's To: header is the sender's internal
 * form quoted once (quote_822_local()): a sender "s x"@domain is shown as "s x"@domain
 *
 * Found by `twinpost fuzz smtpd --seed 3` (minimal case at path 28:0:0:0:0:0:0:0:0:2:3:3:3:3:3); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "notice-to-sender-quoted-space",
  title: "fuzzer regression: sink remote connection 2: postfix \"C: EHLO mx.twinpost.test\" / reference \"(none)\"",
  rule: "bounce_notify_util.c bounce_header(): the success notice's To: header is the sender's internal form quoted once (quote_822_local()): a sender \"s x\"@domain is shown as \"s x\"@domain",
  dialog: [
    { send: "mail FROM:<\"s zea\"@sink.test>\n", expect: 250 },
    { send: "rcpt TO:<rzea@sink.test> NOTIFY=SUCCESS\r\n", expect: 250 },
    { send: "DATA\n", expect: 354 },
    { send: "\r\n.\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 2,
});
