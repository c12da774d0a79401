import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * bounce_notify_util.c bounce_mail_alloc() (Postfix 3.7.11): a notice's X-Postfix-Sender: and the
 * Return-Path: of the returned message show the original sender quoted by quote_822_local_flags()
 * without QUOTE_FLAG_8BITCLEAN: an 8-bit local part is put in quotes with a backslash before each
 * of its bytes (so the field is typed rfc822: the bytes are no longer UTF-8)
 *
 * Found by `twinpost fuzz smtpd --seed 11` (minimal case at path 176:1:2:6:5:5:5:5:5:5:5:5); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "notice-sender-8bit-quoted",
  title: "fuzzer regression: sink remote message Qn: postfix \"X-Postfix-Sender: rfc822; \\\"s<tag>\\\\Ã\\\\¼\\\"@sink.test\" / reference \"",
  rule: "bounce_notify_util.c bounce_mail_alloc() (Postfix 3.7.11): a notice's X-Postfix-Sender: and the Return-Path: of the returned message show the original sender quoted by quote_822_local_flags() without QUOTE_FLAG_8BITCLEAN: an 8-bit local part is put in quotes with a backslash before each of its bytes (so the field is typed rfc822: the bytes are no longer UTF-8)",
  dialog: [
    { send: "MAIL FROM:szpbü@sink.test\r\n", expect: 250 },
    { send: "RCPT TO:<rzpb@sink.test> NOTIFY=SUCCESS,FAILURE,DELAY\r\n", expect: 250 },
    { send: "DATA\r\n", expect: 354 },
    { send: "\r\nhello\n.\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 2,
});
