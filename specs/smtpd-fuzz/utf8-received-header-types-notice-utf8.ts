import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * cleanup_out.c cleanup_out_header() (Postfix 3.7.11): with smtputf8_enable = yes, a header with
 * 8-bit text (here smtpd's Received: 'for <UTF-8 recipient>') sets SMTPUTF8_FLAG_HEADER in the
 * queue file's size record even without SMTPUTF8 in MAIL FROM; bounce(8) then types a UTF-8
 * address 'utf-8' in the notice's Final-Recipient: (bounce_notify_util.c: any SMTPUTF8 flag and a
 * valid non-ASCII UTF-8 address)
 *
 * Found by `twinpost fuzz smtpd --seed 8` (minimal case at path 40:0:0:0:0:0:0:0:0:0:0:2:2:5:5:5:5:5:5); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "utf8-received-header-types-notice-utf8",
  title: "fuzzer regression: sink remote message Qn: postfix \"<r<tag>ç\\\\x94¨æ\\\\x88·@sink.test>: delivery via 127.0.0.1[127.0.0.1]",
  rule: "cleanup_out.c cleanup_out_header() (Postfix 3.7.11): with smtputf8_enable = yes, a header with 8-bit text (here smtpd's Received: 'for <UTF-8 recipient>') sets SMTPUTF8_FLAG_HEADER in the queue file's size record even without SMTPUTF8 in MAIL FROM; bounce(8) then types a UTF-8 address 'utf-8' in the notice's Final-Recipient: (bounce_notify_util.c: any SMTPUTF8 flag and a valid non-ASCII UTF-8 address)",
  dialog: [
    { send: "mail from:<s+extzdx@sink.test>\r\n", expect: 250 },
    { send: "RCPT TO:<rzdx用户@sink.test> NOTIFY=SUCCESS,FAILURE,DELAY\r\r\n", expect: 250 },
    { send: "DATA\r\n", expect: 354 },
    { send: "\r\n.\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 2,
});
