import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * cleanup_state.c / cleanup_out_recipient.c (Postfix 3.7.11): cleanup's duplicate filter is
 * been_here_init(duplicate_filter_limit, BH_FLAG_FOLD), so its keys (DSN ORCPT, NOTIFY, original
 * and final recipient) are compared case-folded: RCPT TO:<r@sink.test> after RCPT
 * TO:<r@SINK.TEST> is the same recipient and the message goes out with the first one only
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 1146:0:0:1:0:1:1:2:2:4:3:3:3:3:3:3:3:3:3:3); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "duplicate-recipient-case-folded",
  title: "fuzzer regression: sink remote connection 1: postfix \"(none)\" / reference \"C (pipelined): RCPT TO:…\"",
  rule: "cleanup_state.c / cleanup_out_recipient.c (Postfix 3.7.11): cleanup's duplicate filter is been_here_init(duplicate_filter_limit, BH_FLAG_FOLD), so its keys (DSN ORCPT, NOTIFY, original and final recipient) are compared case-folded: RCPT TO:<r@sink.test> after RCPT TO:<r@SINK.TEST> is the same recipient and the message goes out with the first one only",
  dialog: [
    { send: "mail from:<\"s zcda\"@sink.test>\n", expect: 250 },
    { send: "RCPT to:<rzcda@SINK.TEST>\n", expect: 250 },
    { send: "RCPT TO:<rzcda@sink.test>\n", expect: 250 },
    { send: "DATA\r\n", expect: 354 },
    { send: "\r\n.\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 1,
});
