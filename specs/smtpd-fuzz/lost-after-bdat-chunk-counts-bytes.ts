import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';

/**
 * smtpd.c smtpd_proto() and bdat_cmd() (Postfix 3.7.11): after a BDAT chunk that is not the last
 * the state stays 'BDAT content' until a known command comes (an empty line, a bad or unknown
 * command leave it), and a session that then ends abnormally logs 'lost connection after BDAT (n
 * bytes)': n is the content stored so far (each line plus 2), the chunk's unfinished line and
 * what the line buffer holds
 *
 * Found by `twinpost fuzz smtpd --seed 4` (minimal case at path 17:0:0:0:0:0:0:0:0:1:1:1:0:19); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
export default fuzzRegression({
  name: "lost-after-bdat-chunk-counts-bytes",
  title: "fuzzer regression: maillog postfix/smtpd: postfix \"<Mmm nn nn:nn:nn> mx postfix/smtpd[<pid>]: lost connection after BDA",
  rule: "smtpd.c smtpd_proto() and bdat_cmd() (Postfix 3.7.11): after a BDAT chunk that is not the last the state stays 'BDAT content' until a known command comes (an empty line, a bad or unknown command leave it), and a session that then ends abnormally logs 'lost connection after BDAT (n bytes)': n is the content stored so far (each line plus 2), the chunk's unfinished line and what the line buffer holds",
  dialog: [
    { pipeline: ["mail from:<szcu@sink.test>", "rcpt to:<rzcu@sink.test>"], expect: [250, 250] },
    { send: "BDAT 183\r\nDelivered-To: nobody@mx.twinpost.test\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\nSubject: fuzz\nSubject: =?utf-8?q?gr=C3=BC=C3=9Fe?=\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\r\n" },
    { send: "QUIT\r\n", expect: 250 },
    { send: "", expect: 500 },
  ],
});
