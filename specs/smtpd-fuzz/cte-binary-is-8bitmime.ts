import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * cleanup_message.c cleanup_header_callback(): a Content-Transfer-Encoding: 8bit or binary header
 * sets the message's encoding to 8bit (auto_8bit_enc_hdr), and smtp(8) then sends MAIL FROM with
 * BODY=8BITMIME to a next hop that offers 8BITMIME
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 50:2:1:1:1:3:4:4:4); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "cte-binary-is-8bitmime",
  title: "fuzzer regression: sink remote message Qn: postfix \"MAIL FROM:<s<tag>@sink.test> SIZE=<bytes received + 0> BODY=8BITMIM",
  rule: "cleanup_message.c cleanup_header_callback(): a Content-Transfer-Encoding: 8bit or binary header sets the message's encoding to 8bit (auto_8bit_enc_hdr), and smtp(8) then sends MAIL FROM with BODY=8BITMIME to a next hop that offers 8BITMIME",
  dialog: [
    { pipeline: ["MAIL FROM:szbbd@sink.test", "RCPT TO:<rzbbd@sink.test>"], expect: [250, 250] },
    { send: "BDAT 35\r\nContent-Transfer-Encoding: binary\n\n", expect: 250 },
    { send: "BDAT 0 LAST\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 1,
});
