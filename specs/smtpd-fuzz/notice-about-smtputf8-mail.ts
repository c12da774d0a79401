import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * bounce_notify_util.c bounce_mail_alloc() (Postfix 3.7.11): with smtputf8_enable = yes a notice
 * is 8bit even when the original said BODY=7BIT, so it is relayed with BODY=8BITMIME; a notice
 * about mail sent with SMTPUTF8 keeps the SMTPUTF8 request and has message/global-delivery-status
 * and message/global-headers parts (RFC 6533)
 *
 * Found by `twinpost fuzz smtpd --seed 6` (minimal case at path 84:0:1:1:4:5:4:4:4:4:4:4:4:6); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "notice-about-smtputf8-mail",
  title: "fuzzer regression: sink remote message Qn: postfix \"MAIL FROM:<> SIZE=<bytes received + 0> BODY=8BITMIME SMTPUTF8\" / re",
  rule: "bounce_notify_util.c bounce_mail_alloc() (Postfix 3.7.11): with smtputf8_enable = yes a notice is 8bit even when the original said BODY=7BIT, so it is relayed with BODY=8BITMIME; a notice about mail sent with SMTPUTF8 keeps the SMTPUTF8 request and has message/global-delivery-status and message/global-headers parts (RFC 6533)",
  dialog: [
    { send: "MAIL from:<\"s zko\"@sink.test> BODY=7BIT SMTPUTF8\n", expect: 250 },
    { send: "rcpt to:<nobody%mx.twinpost.test@mx.twinpost.test>\n", expect: 250 },
    { send: "DATA\r\n", expect: 354 },
    { send: "Delivered-To: nobody@mx.twinpost.test\nContent-Type: multipart/mixed; boundary=\"b1\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\tindented\n..two dots\r\n.\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 2,
});
