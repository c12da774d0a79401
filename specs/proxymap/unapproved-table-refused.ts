import type { Scenario } from '../../harness/scenario/types.ts';
import { NO_RETRY_DURING_RUN } from '../_shared/builders.ts';

/**
 * A proxy: table that proxy_read_maps does not list is refused by proxymap(8) (status DENY,
 * with a warning saying how to approve it). Here transport_maps is proxy:lmdb:… but
 * proxy_read_maps names only $virtual_alias_maps. What real Postfix 3.7.11 does then is not
 * a deferral: trivial-rewrite opens its tables when it starts, gets DENY, and exits with
 * "fatal: proxymap service is not configured for table …"; master throttles the service
 * ("bad command startup -- throttling"); cleanup cannot rewrite, so the locally submitted
 * message waits in maildrop/ and nothing is delivered. proxymap(8), postconf(5)
 * proxy_read_maps, trivial-rewrite(8), master(8).
 */
const scenario: Scenario = {
  id: 'proxymap/unapproved-table-refused',
  title: 'a proxy: table missing from proxy_read_maps is refused; trivial-rewrite stops and the mail waits',
  description: 'proxymap answers DENY (4) for the transport table and logs how to approve it; trivial-rewrite exits fatally and is throttled; the submitted message stays in maildrop, undelivered.',
  sinks: { remote: {} },
  config: {
    main: {
      transport_maps: 'proxy:lmdb:$config_directory/transport',
      proxy_read_maps: '$virtual_alias_maps',
      ...NO_RETRY_DURING_RUN,
    },
    maps: [{ name: 'transport', content: 'remote.example smtp:{{sink:remote}}\n', build: 'postmap' }],
  },
  steps: [
    { kind: 'sendmail', args: ['-f', 'alice@client.example', 'bob@remote.example'], message: 'Subject: unapproved\n\nbody\n' },
    { kind: 'wait', event: { kind: 'fatal', service: 'trivial-rewrite' } },
    { kind: 'wait', event: { kind: 'warning', service: 'master', text: /bad command startup -- throttling$/ } },
    { kind: 'proxymap', request: { request: 'lookup', table: 'lmdb:{{configDir}}/transport', flags: 16384, key: 'remote.example' }, expect: { status: 4 } },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    events: [

      { kind: 'warning', service: 'proxymap', text: /^request for unapproved table: "lmdb:\/.+\/etc\/transport"$/ },
      { kind: 'warning', service: 'proxymap', text: /^to approve this table for read-only access, list proxy:lmdb:\/.+\/etc\/transport in main\.cf:proxy_read_maps$/ },
      { kind: 'fatal', service: 'trivial-rewrite', text: /^proxymap service is not configured for table "lmdb:\/.+\/etc\/transport"$/ },
    ],
    noEvents: [{ kind: 'delivery' }, { kind: 'queue-active' }],
    queue: { count: 1, entries: [{ queue_name: 'maildrop', sender: 'alice@client.example', recipients: [{ address: 'bob@remote.example' }] }] },
  },
  knownDivergences: [
    {
      target: 'reference',
      item: 'queue file incoming/Q1',
      reason: "real Postfix's cleanup has created the message's incoming queue file (still empty) and keeps retrying the throttled trivial-rewrite; the reference's cleanup gives up on the first failure and reports it to pickup, so it leaves no incoming file",
    },
    {
      target: 'reference',
      item: 'maillog postfix/pickup',
      what: /: warning: Q\d+: cleanup service: 4\.3\.0 Error: trivial-rewrite service unavailable$/,
      reason: 'the same difference seen from pickup: the reference\'s cleanup answers pickup with an error, which pickup logs; real Postfix\'s cleanup does not answer while it waits for trivial-rewrite',
    },
  ],
};
export default scenario;
