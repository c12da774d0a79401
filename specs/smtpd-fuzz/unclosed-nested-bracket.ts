import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd_token(): inside <...> a second '<' nests, so <s<x@sink.test> never closes; the word is an
 * SMTPD_TOK_ERROR and mail_cmd() answers 501 5.1.7 without any warning
 *
 * Found by `twinpost fuzz smtpd --seed 1` (minimal case at path 34:0:1:1:1:1:1:1); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
const scenario: Scenario = {
  id: "smtpd-fuzz/unclosed-nested-bracket",
  title: "fuzzer regression: maillog postfix/smtpd: postfix \"(none)\" / reference \"<Mmm nn nn:nn:nn> mx postfix/smtpd[<pid>]: warn",
  description: "smtpd_token(): inside <...> a second '<' nests, so <s<x@sink.test> never closes; the word is an SMTPD_TOK_ERROR and mail_cmd() answers 501 5.1.7 without any warning",
  sinks: {
    remote: {}
  },
  config: {
    main: {
      mynetworks: "192.0.2.0/24",
      relay_domains: "sink.test",
      smtpd_relay_restrictions: "permit_mynetworks, reject_unauth_destination",
      transport_maps: "texthash:$config_directory/transport",
      default_transport: "error:5.7.1 no route in the fuzzer configuration",
      smtp_connection_cache_on_demand: "no",
      smtpd_client_connection_count_limit: "0",
      smtpd_error_sleep_time: "0"
    },
    maps: [
      {
        name: "transport",
        content: "sink.test smtp:{{sink:remote}}\n"
      }
    ]
  },
  steps: [
    {
      kind: "smtp",
      name: "session",
      dialog: [
        {
          send: "MAIL FROM:<s<zvh@sink.test>\n",
          expect: 501
        },
        {
          send: "QUIT\r\n",
          expect: 221
        },
        {
          expectClose: true
        }
      ]
    }
  ],
  expect: {
    queue: "empty"
  }
};
export default scenario;
