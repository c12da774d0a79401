import type { Scenario } from '../../harness/scenario/types.ts';
import { envelope } from '../_shared/builders.ts';

/**
 * verify(8) keeps its cache in address_verify_map; here it is proxy:btree:…, so verify reads
 * and writes it through proxywrite (proxy_write_maps lists $address_verify_map by default).
 * After a probe, the entry (status:probed:updated:text) can be read directly over
 * private/proxywrite; after a full stop and start of the mail system the cached status still
 * answers RCPT with 250 without a new probe. verify(8), proxymap(8), postconf(5)
 * address_verify_map.
 */
const scenario: Scenario = {
  id: 'verify/cache-survives-restart',
  title: 'a proxywrite-backed verify cache survives a restart',
  description: 'A positive probe result is stored through proxywrite, readable there as "0:0:<updated>:250 2.1.5 Ok" (status OK, no probe outstanding, the reply of the peer to RCPT), and still used after restart (250 at once, one probe in total).',
  sinks: { remote: {} },
  config: {
    main: {
      relay_domains: 'verify.example',
      transport_maps: 'texthash:$config_directory/transport',
      smtpd_recipient_restrictions: 'reject_unverified_recipient, permit_mynetworks, reject_unauth_destination',
      address_verify_poll_count: '1',
      address_verify_map: 'proxy:btree:$data_directory/verify_cache',
    },
    maps: [{ name: 'transport', content: 'verify.example smtp:{{sink:remote}}\n' }],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<good@verify.example>', expect: { code: 450, text: /Address verification in progress$/ } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', to: 'good@verify.example', status: 'deliverable' } },
    {
      kind: 'smtp-until',
      name: 'until the cache answers',
      timeoutMs: 10_000,
      dialog: [
        ...envelope({ to: 'good@verify.example' }),
        { command: 'QUIT', expect: 221 },
      ],
    },
    // The session's last maillog line is in before the restart (else it races the stop).
    { kind: 'wait', event: { kind: 'disconnect', raw: /rcpt=1 quit=1 commands=4$/ } },
    { kind: 'restart' },
    {
      kind: 'proxymap',
      service: 'proxywrite',
      request: { request: 'lookup', table: 'btree:{{dataDir}}/verify_cache', flags: 0, key: 'good@verify.example' },
      expect: { status: 0, value: /^0:0:\d+:250 2\.1\.5 Ok$/ },
    },
    {
      kind: 'smtp',
      name: 'after restart',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<good@verify.example>', expect: { code: 250, text: '2.1.5 Ok' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    events: [
      { kind: 'delivery', to: 'good@verify.example', status: 'deliverable', count: 1 },
      { kind: 'queue-active', from: 'double-bounce@mx.twinpost.test', count: 1 },
    ],
    queue: 'empty',
  },
  knownDivergences: [
    {
      target: 'reference',
      item: 'maillog postfix/master',
      what: /: terminating on signal 15$/,
      reason: "Postfix's master signals its children, postlogd among them, before it logs this line, so with maillog_file it never reaches the file; the reference's master writes it (twinpost mta stop and its tests wait for it)",
    },
    {
      target: 'reference',
      item: 'maillog postfix/verify',
      what: /: cache \S+ full cleanup: retained=\d+ dropped=\d+ entries$/,
      reason: 'verify(8) starts a cleanup pass over its cache soon after it starts (address_verify_cache_cleanup_interval) and logs the result; the reference verify has no cleanup pass',
    },
  ],
};
export default scenario;
