import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd.c ehlo_cmd(): the HELO name smtpd keeps has '<' and '>' replaced by '?'
 * (NEUTER_CHARACTERS), and that is the name its Received: header shows: 'from ?client.example?
 * (localhost [127.0.0.1])'
 *
 * Found by `twinpost fuzz smtpd --seed 2` (minimal case at path 33:3:3:3:3:1:1:1:1:1:1); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "helo-name-neutered-in-received",
  title: "fuzzer regression: sink remote message Qn: postfix \"Received: from ?client.example? (localhost [127.0.0.1])\" / referenc",
  rule: "smtpd.c ehlo_cmd(): the HELO name smtpd keeps has '<' and '>' replaced by '?' (NEUTER_CHARACTERS), and that is the name its Received: header shows: 'from ?client.example? (localhost [127.0.0.1])'",
  dialog: [
    { send: "ehlo <client.example>\r\n", expect: 250 },
    { pipeline: ["mail  FROM:<szeq@sink.test>", "rcpt TO:<\"r zeq\"@sink.test>"], expect: [250, 250] },
    { send: "BDAT 2 LAST\r\n\r\n", expect: 250 },
    { send: "QUIT\r\n", expect: 221 },
    { expectClose: true },
  ],
  removed: 1,
});
