import type { Scenario, Step } from '../../harness/scenario/types.ts';
import { NO_RETRY_DURING_RUN } from '../_shared/builders.ts';

/**
 * smtp_connection_cache_time_limit (postconf(5); smtp(8) "CONNECTION CACHE"): how long an
 * idle session waits in scache(8) for the next message to the same destination (default 2s,
 * capped by scache's connection_cache_ttl_limit, raised to 10s here). Two services cache every
 * session to 127.0.0.1 (smtp_connection_cache_destinations); between their first and second
 * message, a third message takes 3 s at a slow peer. The service with
 * smtp_connection_cache_time_limit = 10s still finds its session and sends the second message
 * on it; the one with the default 2s has lost it and connects again.
 */

const ROUTES = {
  'long.example': 'longcache:{{sink:long}}',
  'short.example': 'smtp:{{sink:short}}',
  'slow.example': 'smtp:{{sink:slow}}',
} as const;

/** One message to bob@DOMAIN; its number goes in the subject. */
function submit(domain: keyof typeof ROUTES, n: number): Step {
  return {
    kind: 'smtp',
    name: `${domain} ${n}`,
    dialog: [
      { command: 'EHLO client.example', expect: 250 },
      { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
      { command: `RCPT TO:<bob@${domain}>`, expect: 250 },
      { data: `Subject: ${domain} ${n}\r\n\r\nhello\r\n`, expect: 250 },
      { command: 'QUIT', expect: 221 },
    ],
  };
}

const delivered = (domain: keyof typeof ROUTES, count: number): Step => ({ kind: 'wait', event: { kind: 'delivery', to: `bob@${domain}`, status: 'sent' }, count });

const scenario: Scenario = {
  id: 'smtp/connection-cache-time-limit',
  title: 'smtp_connection_cache_time_limit = 10s keeps an idle session for a message 3 s later; the default 2s does not',
  description: 'Two messages each to long.example (smtp_connection_cache_time_limit = 10s) and short.example (default), with a 3-second delivery elsewhere between them: long.example\'s peer gets both on one connection, short.example\'s on two.',
  sinks: { long: {}, short: {}, slow: { faults: [{ kind: 'slow', stage: 'dot', delayMs: 3000 }] } },
  config: {
    main: {
      transport_maps: 'texthash:$config_directory/transport',
      smtp_connection_cache_destinations: '127.0.0.1',
      connection_cache_ttl_limit: '10s',
      ...NO_RETRY_DURING_RUN,
    },
    master: ['longcache unix - - n - - smtp -o smtp_connection_cache_time_limit=10s'],
    maps: [{ name: 'transport', content: Object.entries(ROUTES).map(([d, route]) => `${d} ${route}\n`).join('') }],
  },
  steps: [
    submit('long.example', 1),
    delivered('long.example', 1),
    submit('short.example', 1),
    delivered('short.example', 1),
    submit('slow.example', 1),
    delivered('slow.example', 1),
    submit('long.example', 2),
    delivered('long.example', 2),
    submit('short.example', 2),
    delivered('short.example', 2),
    { kind: 'sink-connections', sink: 'long', count: 1, transactions: [2] },
    { kind: 'sink-connections', sink: 'short', count: 2, transactions: [1, 1] },
  ],
  expect: {
    sinkMessages: { long: 2, short: 2, slow: 1 },
    events: [{ kind: 'delivery', status: 'sent', count: 5 }],
    queue: 'empty',
  },
};
export default scenario;
