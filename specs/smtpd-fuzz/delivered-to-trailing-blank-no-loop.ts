import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * delivered_hdr.c delivered_hdr_init() (Postfix 3.7.11): local(8)'s mail loop check skips the
 * white space after 'Delivered-To:' but keeps the rest of the value as it is, trailing blanks
 * included, before folding it; a 'Delivered-To: nobody@domain<TAB>' header therefore does not
 * match the recipient and the message is delivered, not bounced as a forwarding loop
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 2634:3:3:3:4:4:5:6:7:7:7:0); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "delivered-to-trailing-blank-no-loop",
  title: "fuzzer regression: sink remote connection 1: postfix \"C: EHLO mx.twinpost.test\" / reference \"(none)\"",
  rule: "delivered_hdr.c delivered_hdr_init() (Postfix 3.7.11): local(8)'s mail loop check skips the white space after 'Delivered-To:' but keeps the rest of the value as it is, trailing blanks included, before folding it; a 'Delivered-To: nobody@domain<TAB>' header therefore does not match the recipient and the message is delivered, not bounced as a forwarding loop",
  dialog: [
    { send: "mail FROM:<szetr@sink.test>\r\r\nRCPT tO:<NoBody@mx.twinpost.test> NOTIFY=SUCCESS\r\ndata\r\n", expect: 250 },
    { send: "", expect: 250 },
    { send: "", expect: 354 },
    { send: "Content-Transfer-Encoding: 8bit\r\nResent-From: szetr@sink.test\r\nReceived: from a by b; Mon, 7 Dec 2026 10:00:00 +0000\r\nSubject: grüße\r\nDelivered-To: nobody@mx.twinpost.test\t\r\n\r\n\r\n\tindented\r\na line with trailing space \r\n \r\n\r\nMAIL FROM:<xzetr@sink.test>\r\n.\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 2,
});
