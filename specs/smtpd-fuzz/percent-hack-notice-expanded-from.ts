import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * qmgr_message.c qmgr_message_resolve(): qmgr puts trivial-rewrite's resolved address (local
 * domain and %-hack stripped) in place of the queued recipient, and the delivery agent's bounce
 * log carries it: the non-delivery notice shows <resolved> (expanded from <original>) and
 * Final-Recipient: the resolved address
 *
 * Found by `twinpost fuzz smtpd --seed 6` (minimal case at path 36:0:2:2:2:3:2:4:4:4:4:4:4:4:4); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "percent-hack-notice-expanded-from",
  title: "fuzzer regression: sink remote message Qn: postfix \"<nobody@mx.twinpost.test> (expanded from\" / reference \"<nobody%mx.t",
  rule: "qmgr_message.c qmgr_message_resolve(): qmgr puts trivial-rewrite's resolved address (local domain and %-hack stripped) in place of the queued recipient, and the delivery agent's bounce log carries it: the non-delivery notice shows <resolved> (expanded from <original>) and Final-Recipient: the resolved address",
  dialog: [
    { send: "MAIL from:<szfv@sink.test>\r\n", expect: 250 },
    { send: "rcpt TO:<nobody%mx.twinpost.test@mx.twinpost.test>\r\n", expect: 250 },
    { send: "data\r\n", expect: 354 },
    { send: "Delivered-To: nobody@mx.twinpost.test\r\r\n\r\n.\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 2,
});
