import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * bounce(8): a NOTIFY=SUCCESS recipient relayed to the next hop gets a delivery status
 * notification from <> sent with BODY=8BITMIME (with smtputf8_enable every notice is 8bit), also
 * for a message whose headers are Resent-* ones; the NOTIFY=NEVER recipient of the first message,
 * which loops (Delivered-To: nobody@...), gets none
 *
 * Found by `twinpost fuzz smtpd --seed 2` (minimal case at path 102:0:1:0:3:7:5:5:7:6:8), with one
 * change: the found Subject: held a Latin-1 byte (caf\xe9), which a scenario's `send` text cannot
 * hold, so it reads "cafe" here; the session's writes are otherwise sent as they were, each
 * expecting the reply code real Postfix gave; the comparison with Postfix checks the rest byte
 * for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "success-notice-for-resent-message",
  title: "fuzzer regression: sink remote message Qn: postfix \"MAIL FROM:<> SIZE=<bytes received + 0> BODY=8BITMIME\" / reference \"",
  rule: "bounce(8): a NOTIFY=SUCCESS recipient relayed to the next hop gets a delivery status notification from <> sent with BODY=8BITMIME (with smtputf8_enable every notice is 8bit), also for a message whose headers are Resent-* ones; the NOTIFY=NEVER recipient of the first message, which loops (Delivered-To: nobody@...), gets none",
  dialog: [
    { send: "MAIL FROM:<szrw@sink.test> AUTH=<>\r\n", expect: 250 },
    { send: "RCPT to:<nobody@mx.twinpost.test> NOTIFY=NEVER\r\n", expect: 250 },
    { send: "DATA\r\n", expect: 354 },
    { send: "Delivered-To: nobody@mx.twinpost.test\r\n\r\n.\r\n", expect: 250 },
    { pipeline: ["mail FROM:<szrw@sink.test>", "rcpt TO:<rzrw@sink.test> NOTIFY=SUCCESS", "Data "], expect: [250, 250, 354] },
    { send: "Resent-From: szrw@sink.test\r\nContent-Transfer-Encoding: base64\r\nContent-Transfer-Encoding: base64\nSubject: cafe\r\nX-Nul: a\u0000b\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\na line with trailing space \na line with trailing space \n..two dots\r\n\tindented\r\nbody text\r\nbody text\n.\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 3,
});
