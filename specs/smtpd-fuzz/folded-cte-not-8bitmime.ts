import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * cleanup_message.c cleanup_header_callback(): auto_8bit_enc_hdr compares the whole
 * Content-Transfer-Encoding value, folding included, with 8bit and binary; a value folded onto a
 * continuation line (8bit, then a line starting with a TAB) is neither, so the message gets no
 * 8bit encoding and smtp(8) sends MAIL FROM without BODY=8BITMIME
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 79:0:0:1:1:1:3:2:8:6:6:6:6:6); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "folded-cte-not-8bitmime",
  title: "fuzzer regression: sink remote message Qn: postfix \"MAIL FROM:<s<tag>@sink.test> SIZE=<bytes received + 0>\" / reference",
  rule: "cleanup_message.c cleanup_header_callback(): auto_8bit_enc_hdr compares the whole Content-Transfer-Encoding value, folding included, with 8bit and binary; a value folded onto a continuation line (8bit, then a line starting with a TAB) is neither, so the message gets no 8bit encoding and smtp(8) sends MAIL FROM without BODY=8BITMIME",
  dialog: [
    { pipeline: ["MAIL  FROM:<szfr@sink.test>", "RCPT  TO:<rzfr@sink.test>"], expect: [250, 250] },
    { send: "BDAT 44\r\nContent-Transfer-Encoding: 8bit\r\n\tindented\r\n", expect: 250 },
    { send: "bdat 0 LAST\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 1,
});
