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
import type { DialogLine, EventMatch, Scenario } from '../scenario/types.ts';
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

/** The transcript's name of a regression scenario's session (as the fuzzer names it). */
const REGRESSION_SESSION = 'session';

/** What a regression scenario of the fuzzer (specs/smtpd-fuzz/) holds of its own. */
export interface FuzzRegression {
  /** The file's name: the scenario is smtpd-fuzz/NAME. */
  name: string;
  title: string;
  /** The Postfix rule the scenario shows, in words (its description). */
  rule: string;
  /** The session's writes, each expecting the reply code real Postfix gave. */
  dialog: DialogLine[];
  /** Postfix removed this many queue files in the session: the scenario waits for them. */
  removed?: number;
  /** Log events to expect instead of the removals (e.g. cleanup's message-id of an abandoned transaction). */
  events?: (EventMatch & { count?: number })[];
}

/**
 * A regression scenario of the fuzzer: the fuzzer's peer and configuration, one SMTP session,
 * a wait for the messages Postfix removed, and an empty queue at the end; the comparison with
 * Postfix checks the rest byte for byte (smtpd-regression.ts writes these files).
 */
export function fuzzRegression(r: FuzzRegression): Scenario {
  const removed = r.removed ?? 0;
  const events = r.events ?? (removed > 0 ? [{ kind: 'removed' as const, count: removed }] : undefined);
  return {
    id: `smtpd-fuzz/${r.name}`,
    title: r.title,
    description: r.rule,
    sinks: { [FUZZ_SINK]: {} },
    config: fuzzMailConfig(),
    steps: [
      { kind: 'smtp', name: REGRESSION_SESSION, dialog: r.dialog },
      ...(removed > 0 ? [{ kind: 'wait' as const, event: { kind: 'removed' as const }, count: removed }] : []),
    ],
    expect: { queue: 'empty', ...(events ? { events } : {}) },
  };
}
