import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd.c ehlo_cmd(): the HELO name smtpd keeps has '<' and '>' replaced by '?'
 * (NEUTER_CHARACTERS), and that is the name its Received: header shows: 'from ?client.example?
 * (localhost [127.0.0.1])'
 *
 * Found by `twinpost fuzz smtpd --seed 2` (minimal case at path 33:3:3:3:3:1:1:1:1:1:1); the session's
 * writes are sent as they were, each expecting the reply code real Postfix gave; the
 * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.
 */
const scenario: Scenario = {
  id: "smtpd-fuzz/helo-name-neutered-in-received",
  title: "fuzzer regression: sink remote message Qn: postfix \"Received: from ?client.example? (localhost [127.0.0.1])\" / referenc",
  description: "smtpd.c ehlo_cmd(): the HELO name smtpd keeps has '<' and '>' replaced by '?' (NEUTER_CHARACTERS), and that is the name its Received: header shows: 'from ?client.example? (localhost [127.0.0.1])'",
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
          send: "ehlo <client.example>\r\n",
          expect: 250
        },
        {
          pipeline: [
            "mail  FROM:<szeq@sink.test>",
            "rcpt TO:<\"r zeq\"@sink.test>"
          ],
          expect: [
            250,
            250
          ]
        },
        {
          send: "BDAT 2 LAST\r\n\r\n",
          expect: 250
        },
        {
          send: "QUIT\r\n",
          expect: 221
        },
        {
          expectClose: true
        }
      ]
    },
    {
      kind: "wait",
      event: {
        kind: "removed"
      },
      count: 1
    }
  ],
  expect: {
    queue: "empty",
    events: [
      {
        kind: "removed",
        count: 1
      }
    ]
  }
};
export default scenario;
