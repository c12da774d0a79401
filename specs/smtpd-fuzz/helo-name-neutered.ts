import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd.c ehlo_cmd()/helo_cmd(): the HELO/EHLO words are joined by one blank, made printable and
 * every character of NEUTER_CHARACTERS (blank, <>()\";@) replaced by '?': 'EHLO a b' is logged as
 * helo=<a?b>
 *
 * Found by `twinpost fuzz smtpd --seed 2` (minimal case at path 104:1:1:1:3:2:2:2:1:1:1:1:1); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "helo-name-neutered",
  title: "fuzzer regression: maillog postfix/smtpd: postfix \"<Mmm nn nn:nn:nn> mx postfix/smtpd[<pid>]: NOQUEUE: reject: RCPT fro",
  rule: "smtpd.c ehlo_cmd()/helo_cmd(): the HELO/EHLO words are joined by one blank, made printable and every character of NEUTER_CHARACTERS (blank, <>()\\\";@) replaced by '?': 'EHLO a b' is logged as helo=<a?b>",
  dialog: [
    { send: "EHLO a b\r\n", expect: 250 },
    { send: "MAIL from:<sztm@sink.test>\r\n", expect: 250 },
    { send: "RCPT TO:nosuchztm@mx.twinpost.test\r\n", expect: 550 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
});
