import type { Scenario } from '../../harness/scenario/types.ts';
import { NO_RETRY_DURING_RUN, awaitRelayed, oneMessage } from '../_shared/builders.ts';

/**
 * ETRN fast flush. Mail to a relay domain listed in fast_flush_domains is deferred while the
 * peer is down; smtp(8) records the queue ID in flush(8)'s per-destination log. After the peer
 * comes back, `ETRN example.net` makes smtpd ask flush(8) to send_site: the logged queue files
 * move from deferred to incoming and qmgr delivers them at once. queue_run_delay and the
 * backoff times are an hour, so only ETRN can explain the delivery. smtpd(8) ETRN, flush(8),
 * postconf(5) fast_flush_domains.
 */
const scenario: Scenario = {
  id: 'flush/etrn-fast-flush',
  title: 'ETRN for a fast-flush domain delivers deferred mail without a queue run',
  description: 'A deferred message for a fast_flush_domains domain is delivered right after ETRN (250 Queuing started); ETRN for a domain not eligible gets 459, a malformed domain 501, a missing argument 500, and ETRN inside a mail transaction 503. ETRN before EHLO is accepted (smtpd_helo_required = no), and ETRN replies carry no enhanced status codes.',
  sinks: { remote: { down: true } },
  config: {
    main: {
      relay_domains: 'example.net',
      fast_flush_domains: '$relay_domains',
      transport_maps: 'texthash:$config_directory/transport',
      ...NO_RETRY_DURING_RUN,
    },
    maps: [{ name: 'transport', content: 'example.net smtp:{{sink:remote}}\n' }],
  },
  steps: [
    oneMessage({ name: 'submit while the peer is down', to: 'bob@example.net', data: 'Subject: waiting for ETRN\r\n\r\nflush me\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', to: 'bob@example.net', status: 'deferred' } },
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred', recipients: [{ address: 'bob@example.net' }] }] } },
    { kind: 'sink', sink: 'remote', action: 'up' },
    {
      kind: 'smtp',
      name: 'ETRN',
      dialog: [
        { command: 'ETRN example.net', expect: { code: 250, text: 'Queuing started' } },
        { command: 'EHLO client.example', expect: 250 },
        { command: 'ETRN other.example', expect: { code: 459, text: '<other.example>: service unavailable' } },
        { command: 'ETRN bad..domain', expect: { code: 501, text: 'Error: invalid parameter syntax' } },
        { command: 'ETRN', expect: { code: 500, text: 'Syntax: ETRN domain' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'ETRN example.net', expect: { code: 503, text: 'Error: MAIL transaction in progress' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['bob@example.net'], headers: { Subject: 'waiting for ETRN' } }],
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'bob@example.net', status: 'deferred', text: /Connection refused/ },
      { kind: 'delivery', queueId: 'Q1', to: 'bob@example.net', status: 'sent' },
      { kind: 'removed', queueId: 'Q1' },
      { kind: 'warning', service: 'smtpd', text: 'reject: ETRN other.example... from localhost[127.0.0.1]' },
    ],
    queue: 'empty',
  },
};
export default scenario;
