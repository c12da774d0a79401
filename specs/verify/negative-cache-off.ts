import type { Scenario } from '../../harness/scenario/types.ts';
import { REFUSING_PEER, attempt, inProgress, probeConfig } from './_probes.ts';

/**
 * address_verify_negative_cache = no (postconf(5), verify(8)): a failed probe is not
 * remembered. The delivery agent does not report it to verify(8) and logs it as
 * "undeliverable-but-not-cached"; the next RCPT for that address finds nothing in the cache,
 * starts a new probe and gets 450 "Address verification in progress" again. A successful probe
 * is still cached: good@ gets 250 at once. The cache clean-up pass is off
 * (address_verify_cache_cleanup_interval = 0).
 */
const scenario: Scenario = {
  id: 'verify/negative-cache-off',
  title: 'address_verify_negative_cache = no: failed probes are not cached',
  description: 'The peer refuses bad@ and accepts good@. After the probes good@ gets 250 from the cache; bad@ gets 450 "in progress" and a new probe each time.',
  sinks: { remote: REFUSING_PEER },
  config: probeConfig({ address_verify_negative_cache: 'no' }),
  steps: [
    // one probe at a time (see verify/reject-unverified-recipient: scache timing)
    attempt('good, first', 'good@verify.example', inProgress('good@verify.example')),
    { kind: 'wait', event: { kind: 'delivery', to: 'good@verify.example', status: 'deliverable' } },
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
    attempt('bad, first', 'bad@verify.example', inProgress('bad@verify.example')),
    { kind: 'wait', event: { kind: 'delivery', to: 'bad@verify.example', status: 'undeliverable-but-not-cached' } },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
    attempt('good, cached', 'good@verify.example', { code: 250, text: '2.1.5 Ok' }),
    attempt('bad, not cached', 'bad@verify.example', inProgress('bad@verify.example')),
    { kind: 'wait', event: { kind: 'delivery', to: 'bad@verify.example', status: 'undeliverable-but-not-cached' }, count: 2 },
    { kind: 'wait', event: { kind: 'removed' }, count: 3 },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 4 },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    events: [
      { kind: 'queue-active', from: 'double-bounce@mx.twinpost.test', count: 3 },
      { kind: 'delivery', to: 'good@verify.example', status: 'deliverable', count: 1 },
      { kind: 'delivery', to: 'bad@verify.example', status: 'undeliverable-but-not-cached', dsn: '5.1.1', count: 2 },
      { kind: 'reject', stage: 'RCPT', code: 450, to: 'bad@verify.example', count: 2 },
    ],
    noEvents: [{ kind: 'delivery', status: 'undeliverable' }],
    queue: 'empty',
  },
};
export default scenario;
