import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd.c mail_open_stream() (Postfix 3.7.11): the stream to cleanup is opened at the first
 * accepted RCPT and gets the SMTPUTF8 flag, ENVID, RET and BODY then; a nested MAIL after it (503
 * 5.5.1) clears them in smtpd only (mail_cmd()), so the queued message keeps SMTPUTF8 and is
 * relayed with it, while the Received: header, written at DATA, says 'with SMTP'
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 1440:0:2:2:2:2:2:2:2:2:2:2:2:2:2:2:2:2:2:2); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "nested-mail-after-rcpt-keeps-smtputf8",
  title: "fuzzer regression: sink remote message Qn: postfix \"MAIL FROM:<> SIZE=<bytes received + 0> SMTPUTF8\" / reference \"MAIL ",
  rule: "smtpd.c mail_open_stream() (Postfix 3.7.11): the stream to cleanup is opened at the first accepted RCPT and gets the SMTPUTF8 flag, ENVID, RET and BODY then; a nested MAIL after it (503 5.5.1) clears them in smtpd only (mail_cmd()), so the queued message keeps SMTPUTF8 and is relayed with it, while the Received: header, written at DATA, says 'with SMTP'",
  dialog: [
    { send: "MAIL from:<> SMTPUTF8\r\nrcpt TO:<rzcrd@sink.test>\n", expect: 250 },
    { send: "", expect: 250 },
    { send: "mail  from:< szcrd@sink.test >\r\n", expect: 503 },
    { send: "data\r\r\n", expect: 354 },
    { send: "\r\n.\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 1,
});
