import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * local(8) mail_copy(): the mailbox From_ line and the Return-Path: header carry the envelope
 * sender's bytes as smtpd received them (Postfix is 8-bit clean): a UTF-8 sender is written as
 * its UTF-8 bytes
 *
 * Found by `twinpost fuzz smtpd --seed 2` (minimal case at path 62:0:1:2:3:3:3:5:3:3:3:4:3:3:3:3); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "utf8-sender-in-mailbox",
  title: "fuzzer regression: file nobody: postfix \"From s<tag>Ã¼@sink.test  <Ddd Mmm  n nn:nn:nn nnnn>\" / reference \"From s<tag>ü",
  rule: "local(8) mail_copy(): the mailbox From_ line and the Return-Path: header carry the envelope sender's bytes as smtpd received them (Postfix is 8-bit clean): a UTF-8 sender is written as its UTF-8 bytes",
  dialog: [
    { send: "mail FROM:<szlxü@sink.test>\r\n", expect: 250 },
    { send: "RCPT TO:<nobody@mx.twinpost.test>\r\n", expect: 250 },
    { send: "DATA\r\n", expect: 354 },
    { send: "\r\n\r\n\r\n.\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 1,
});
