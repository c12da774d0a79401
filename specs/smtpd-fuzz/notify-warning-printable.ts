import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd warns about an unknown DSN NOTIFY word; the log line shows a control character in it as
 * '?' (printable() in msg_vprintf)
 *
 * Found by `twinpost fuzz smtpd --seed 6` (minimal case at path 324:16:16:16); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "notify-warning-printable",
  title: "fuzzer regression: maillog postfix/smtpd: postfix \"<Mmm nn nn:nn:nn> mx postfix/smtpd[<pid>]: warning: unknown DSN NOTI",
  rule: "smtpd warns about an unknown DSN NOTIFY word; the log line shows a control character in it as '?' (printable() in msg_vprintf)",
  dialog: [
    { send: "MAIL FROM:<szzi@sink.test>\r\nRCPT TO:\"nobody\"@mx.twinpost.test> NOTIFY=NEVER,SU\u001bCCESS NOTIFY=\ndata\r\n", expect: 250 },
    { send: "", expect: 501 },
    { send: "", expect: 554 },
    { send: "Return-Path: <x@y>\nResent-From: szzi@sink.test\r\nSubject: fuzz \r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\nContent-Transfer-Encoding: base64\r\nContent-Transfer-Encoding: quoted-printable\n\r\nbody text\n\tindented\r\n\r\n.\r\n", expect: 221 },
    { expectClose: true },
  ],
});
