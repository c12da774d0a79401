import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * bounce_notify_util.c bounce_recipient_dsn(): the success notice's Original-Recipient: field is
 * the recipient's ORCPT as smtpd decoded it (RFC 6533 utf-8 address type, \x{FC} becomes the
 * bytes of U+00FC), written as UTF-8 bytes
 *
 * Found by `twinpost fuzz smtpd --seed 6` (minimal case at path 123:0:2:1:1:6:6:6:6:6:6:6); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "utf8-orcpt-in-notice",
  title: "fuzzer regression: sink remote message Qn: postfix \"Original-Recipient: utf-8;oÃ¼@x\" / reference \"Original-Recipient: u",
  rule: "bounce_notify_util.c bounce_recipient_dsn(): the success notice's Original-Recipient: field is the recipient's ORCPT as smtpd decoded it (RFC 6533 utf-8 address type, \\x{FC} becomes the bytes of U+00FC), written as UTF-8 bytes",
  dialog: [
    { send: "MAIL FROM:<szpa@sink.test>\r\n", expect: 250 },
    { send: "RCPT TO:<nobody@mx.twinpost.test> ORCPT=utf-8;o\\x{FC}@x NOTIFY=SUCCESS,FAILURE,DELAY\r\n", expect: 250 },
    { send: "DATA\n", expect: 354 },
    { send: "X-Nul: a\u0000b\r\nResent-From: szpa@sink.test\r\nbody text\n\n...\n\tindented\r\na line with trailing space \na line with trailing space \r\n\tindented\n.leading dot\r\n.\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 2,
});
