import type { Scenario } from '../../harness/scenario/types.ts';
import { NO_RETRY_DURING_RUN, oneMessage } from '../_shared/builders.ts';

/**
 * With fast_flush_domains empty no destination is eligible: smtpd's flush client refuses
 * without asking flush(8), ETRN gets 459, and deferred mail stays deferred (queue_run_delay is
 * an hour). smtpd(8) ETRN, flush(8), postconf(5) fast_flush_domains.
 */
const scenario: Scenario = {
  id: 'flush/etrn-no-fast-flush-domains',
  title: 'ETRN with fast_flush_domains empty is refused with 459 and flushes nothing',
  description: 'fast_flush_domains = (empty): ETRN for the relay domain gets "459 <example.net>: service unavailable"; the deferred message is not delivered.',
  sinks: { remote: { down: true } },
  config: {
    main: {
      relay_domains: 'example.net',
      fast_flush_domains: '',
      transport_maps: 'texthash:$config_directory/transport',
      ...NO_RETRY_DURING_RUN,
    },
    maps: [{ name: 'transport', content: 'example.net smtp:{{sink:remote}}\n' }],
  },
  steps: [
    oneMessage({ to: 'bob@example.net', data: 'Subject: no fast flush\r\n\r\nstay\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', to: 'bob@example.net', status: 'deferred' } },
    { kind: 'sink', sink: 'remote', action: 'up' },
    {
      kind: 'smtp',
      name: 'ETRN',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'ETRN example.net', expect: { code: 459, text: '<example.net>: service unavailable' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 2 },
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred', recipients: [{ address: 'bob@example.net', delay_reason: /Connection refused/ }] }] } },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'bob@example.net', status: 'deferred' },
      { kind: 'warning', service: 'smtpd', text: 'reject: ETRN example.net... from localhost[127.0.0.1]' },
    ],
    noEvents: [{ kind: 'delivery', status: 'sent' }],
    queue: { count: 1 },
  },
};
export default scenario;
