/**
 * The configuration both targets run under in the smtpd fuzzer (smtpd-pair.ts) and in the
 * regression scenarios made from its findings (smtpd-regression.ts): the harness's base main.cf
 * (config-dir.ts) with these parameters on top.
 *
 *  - The client (127.0.0.1) is not in mynetworks, so relaying is decided by
 *    reject_unauth_destination against relay_domains = sink.test (postconf(5)
 *    smtpd_relay_restrictions): routed and foreign recipients are refused as for a stranger.
 *  - sink.test goes to the capture peer "remote" (transport_maps); any other remote destination
 *    a message still reaches (after a %-hack or a bounce to a strange sender) goes to the error
 *    transport, so nothing leaves the machine and every message ends, delivered or bounced.
 *  - Connection caching to the peer is off (smtp_connection_cache_on_demand = no): a cached
 *    connection would carry the next session's mail on a connection the previous one opened.
 *  - anvil's limits are off (the count limit defaults to 50; the rate limits are 0 already):
 *    with every limit 0 smtpd does not ask anvil, so no counter lives from one session to the next.
 *  - smtpd_error_sleep_time = 0: the pause after each error beyond the soft limit would only
 *    make sessions slow; both targets get the same setting.
 */
import type { MailConfig } from '../targets/types.ts';
import { SINK_DOMAIN } from './smtpd-grammar.ts';

/** The name of the capture peer in configurations and compared items ("sink remote …"). */
export const FUZZ_SINK = 'remote';

export function fuzzMailConfig(): MailConfig {
  return {
    main: {
      mynetworks: '192.0.2.0/24',
      relay_domains: SINK_DOMAIN,
      smtpd_relay_restrictions: 'permit_mynetworks, reject_unauth_destination',
      transport_maps: 'texthash:$config_directory/transport',
      default_transport: 'error:5.7.1 no route in the fuzzer configuration',
      smtp_connection_cache_on_demand: 'no',
      smtpd_client_connection_count_limit: '0',
      smtpd_error_sleep_time: '0',
    },
    maps: [{ name: 'transport', content: `${SINK_DOMAIN} smtp:{{sink:${FUZZ_SINK}}}\n` }],
  };
}
