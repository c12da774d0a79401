import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * cleanup_message.c: the From: header cleanup adds carries the envelope sender's bytes as
 * received: a UTF-8 local part (here two CJK characters) is written as its UTF-8 bytes
 *
 * Found by `twinpost fuzz smtpd --seed 6` (minimal case at path 587:1:5:5:5:5:5:5:5:5:5); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "utf8-local-part-in-added-from",
  title: "fuzzer regression: sink remote message Qn: postfix \"From: s<tag>ç\\\\x94¨æ\\\\x88·@sink.test\" / reference \"From: s<tag>(7@s",
  rule: "cleanup_message.c: the From: header cleanup adds carries the envelope sender's bytes as received: a UTF-8 local part (here two CJK characters) is written as its UTF-8 bytes",
  dialog: [
    { send: "MaiL FROM:<szbwe用户@sink.test>\r\nRCPT TO:< rzbwe@sink.test >\n", expect: 250 },
    { send: "", expect: 250 },
    { send: "BDAT 2 LAST\r\n\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 1,
});
