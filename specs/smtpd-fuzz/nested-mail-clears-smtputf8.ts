import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd.c mail_cmd() clears the transaction's SMTPUTF8 flag, BODY= encoding and RET= before its
 * first check, so even a nested MAIL that it refuses (503 5.5.1 Error: nested MAIL command)
 * drops them from the transaction under way: the message is received "with SMTP" (not
 * UTF8SMTP) and relayed without SMTPUTF8 and BODY=8BITMIME, and RET=HDRS is forgotten.
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 0:2:2:1:3:4:4:4, whose BDAT
 * content is not UTF-8 and so cannot be a scenario's send text); written by hand from it.
 */
export default fuzzRegression({
  name: "nested-mail-clears-smtputf8",
  title: "fuzzer regression: a refused nested MAIL drops the SMTPUTF8 of the transaction",
  rule: "smtpd.c mail_cmd() clears SMTPUTF8, BODY= and RET= before its first check, so a nested MAIL (503 5.5.1) drops them from the transaction under way",
  dialog: [
    { send: "MAIL FROM:<s1@sink.test> SMTPUTF8 BODY=8BITMIME RET=HDRS\r\n", expect: 250 },
    { pipeline: ["MAIL FROM:<s2@sink.test>", "RCPT TO:<r1@sink.test>"], expect: [503, 250] },
    { data: "Subject: nested MAIL\r\n\r\nbody\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 1,
});
