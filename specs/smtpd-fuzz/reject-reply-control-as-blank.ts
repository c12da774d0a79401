import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd_check.c smtpd_check_reject() (Postfix 3.7.11): the whole reject reply is made printable
 * with a blank as replacement, so a control character (here ESC) of the address shows as a space
 * in the reply and in its 'reject:' log line, where the to=<...> field shows '?'
 *
 * Found by `twinpost fuzz smtpd --seed 8` (minimal case at path 162:0:0); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "reject-reply-control-as-blank",
  title: "fuzzer regression: smtp session: postfix \"S: 550 5.1.1 <nosuch<tag> >: Recipient address rejected: User unknown in loca",
  rule: "smtpd_check.c smtpd_check_reject() (Postfix 3.7.11): the whole reject reply is made printable with a blank as replacement, so a control character (here ESC) of the address shows as a space in the reply and in its 'reject:' log line, where the to=<...> field shows '?'",
  dialog: [
    { send: "vrfy nosuchzlq\u001b\r\n", expect: 550 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
});
