import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd_proto(): a client that goes away right after its message was queued (where =
 * END-OF-MESSAGE) is not logged as 'lost connection'
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 101:2:1:1:0:2:2:2); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 * (The fuzzed client hangs up without QUIT after its last write; so does the scenario.)
 */
export default fuzzRegression({
  name: "hangup-after-message-not-logged",
  title: "fuzzer regression: maillog postfix/smtpd: postfix \"(none)\" / reference \"<Mmm nn nn:nn:nn> mx postfix/smtpd[<pid>]: lost",
  rule: "smtpd_proto(): a client that goes away right after its message was queued (where = END-OF-MESSAGE) is not logged as 'lost connection'",
  dialog: [
    { send: "MAIL FROM:<szbmr@sink.test>\r\n", expect: 250 },
    { send: "RCPT to:<rzbmr@sink.test>\r\n", expect: 250 },
    { send: "dAtA\r\n", expect: 354 },
    { send: "\r\n.\r\n", expect: 250 },
    { disconnect: true },
  ],
  removed: 1,
});
